package io.gradflow.ingest.keras;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Keras version that wrote a file ("1.2.2", "2.2.4-tf", "3.6.0"), or only its generation when
 * the file does not say (then {@code minor} and {@code patch} are -1). Defaults that changed
 * between versions (hard sigmoid's slope, VarianceScaling's normal draw) are decided here.
 *
 * @param tfKeras true for the tf.keras builds that suffix "-tf" to the version
 * @param text    the version as the file states it, or null when guessed
 */
record KerasVersion(int major, int minor, int patch, boolean tfKeras, @Nullable String text) {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(.*)$");

    /** The version as stated, or null when the text is not a version. */
    static @Nullable KerasVersion parse(@Nullable String s) {
        if (s == null) {
            return null;
        }
        Matcher m = VERSION.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            return new KerasVersion(Integer.parseInt(m.group(1)),
                    m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4).contains("tf"), s.trim());
        } catch (NumberFormatException e) {
            // a part past 2^31 ("2.3333...31.0", found by fuzzing): no Keras wrote that, so not a version
            return null;
        }
    }

    /** Only the generation, guessed from the configuration's shape. */
    static KerasVersion generation(int major) {
        return new KerasVersion(major, -1, -1, false, null);
    }

    boolean known() {
        return minor >= 0;
    }

    boolean atLeast(int maj, int min, int pat) {
        if (major != maj) {
            return major > maj;
        }
        if (minor != min) {
            return minor > min;
        }
        return patch >= pat;
    }

    /**
     * Whether VarianceScaling's {@code distribution="normal"} draws a normal truncated at two
     * standard deviations without compensating for the truncation (per-weight variance 0.774
     * scale/fan). Standalone Keras 2 did so until 2.2.3, which divides the standard deviation by
     * 0.8796 so the variance is scale/fan exactly; tf.keras and Keras 3 compensate too. A file
     * that does not state its version is taken to compensate.
     */
    boolean uncompensatedNormal() {
        return major == 2 && known() && !tfKeras && !atLeast(2, 2, 3);
    }

    /** Hard sigmoid's slope: clip(0.2x + 0.5) up to Keras 2, relu6(x + 3) / 6 from Keras 3. */
    double hardSigmoidSlope() {
        return major >= 3 ? 1.0 / 6 : 0.2;
    }

    /** LSTM and GRU gate activation when the file leaves it out. */
    String recurrentActivationDefault() {
        return major >= 3 || atLeast(2, 4, 0) ? "sigmoid" : "hard_sigmoid";
    }

    /** "Keras 1", "Keras 2", "Keras 3": the serialisation generation. */
    String generationName() {
        return "Keras " + major;
    }

    @Override
    public String toString() {
        return text != null ? text : generationName() + " (version not stated)";
    }
}
