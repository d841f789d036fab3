package io.gradflow.report;

import io.gradflow.rules.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How the CI formats place a finding: the file relative to the directory gradflow ran in, with
 * forward slashes; where the format has no lines, the layer (or the container path) in the message.
 */
final class Locations {

    private Locations() {
    }

    /** The message, led by "layer 'name': " where the finding has no line to point at. */
    static String message(Finding f) {
        return f.line() > 0 || f.layer() == null ? f.message() : "layer '" + f.layer() + "': " + f.message();
    }

    /**
     * The message with the rules that said the same about the same layers named after it, for
     * formats with room for one message per finding.
     */
    static String messageWithRelated(Finding f) {
        return message(f) + also(f);
    }

    /** " (also GF005 missing-normalization, ...)", or nothing when no other rule said the same. */
    static String also(Finding f) {
        if (f.related().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (also ");
        for (int i = 0; i < f.related().size(); i++) {
            Finding.Related r = f.related().get(i);
            b.append(i == 0 ? "" : ", ").append(r.rule()).append(' ').append(r.name());
        }
        return b.append(')').toString();
    }

    /**
     * The message with the fix after it, for formats that show one text per finding (GitHub
     * annotations, SARIF results, GitLab's widget): advice that never reaches CI is no advice.
     */
    static String messageWithFix(Finding f) {
        String m = messageWithRelated(f);
        return f.fix() == null || f.fix().isBlank() ? m : m + "\nFix: " + f.fix();
    }

    /** The message, led by the path inside the container where the error has no line. */
    static String message(InputError e) {
        return e.line() > 0 || e.pointer() == null || e.pointer().isEmpty() ? e.message()
                : e.pointer() + ": " + e.message();
    }

    /**
     * The source relative to {@code base} ("models/a.json" for "./models/a.json" or an absolute
     * path below {@code base}); the absolute path when it lies outside; the name as given when it
     * is not a path at all.
     */
    static String relative(String source, Path base) {
        try {
            Path abs = base.resolve(source).toAbsolutePath().normalize();
            Path b = base.toAbsolutePath().normalize();
            Path out = abs.startsWith(b) ? b.relativize(abs) : abs;
            return out.toString().replace('\\', '/');
        } catch (InvalidPathException e) {
            return source;
        }
    }

    /** Whether {@link #relative} gave a path outside {@code base}. */
    static boolean isAbsolute(String relative) {
        return relative.startsWith("/") || relative.matches("^[A-Za-z]:/.*");
    }

    /**
     * A finding's identity across runs: rule, file and layer (not the line, so that edits elsewhere
     * in the file keep it), hashed; {@code occurrence} tells apart two findings with the same key.
     */
    static String fingerprint(Finding f, Path base, int occurrence) {
        return sha256(key(f, base)).substring(0, 32) + ":" + occurrence;
    }

    /** What {@link #fingerprint} hashes. */
    static String key(Finding f, Path base) {
        return f.rule() + "\n" + relative(f.source(), base) + "\n" + (f.layer() == null ? "" : f.layer());
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
