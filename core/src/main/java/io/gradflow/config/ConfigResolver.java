package io.gradflow.config;

import io.gradflow.rules.RuleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which configuration governs a linted file: the {@code gradflow.json} nearest above it (the
 * first found walking up from its directory; files are not merged), or the one given with
 * {@code --config}, or none. Directories already walked are remembered.
 */
public final class ConfigResolver {

    /** The name discovery looks for. */
    public static final String FILE_NAME = "gradflow.json";

    private final Path cwd;
    private final boolean discover;
    private final @Nullable ConfigFile fixed;
    private final Map<Path, Optional<ConfigFile>> byDirectory = new HashMap<>();

    private ConfigResolver(Path cwd, boolean discover, @Nullable ConfigFile fixed) {
        this.cwd = cwd.toAbsolutePath().normalize();
        this.discover = discover;
        this.fixed = fixed;
    }

    /** Looks for gradflow.json above each file; error messages name it relative to {@code cwd}. */
    public static ConfigResolver discovering(Path cwd) {
        return new ConfigResolver(cwd, true, null);
    }

    /** Every file gets {@code file}'s configuration. */
    public static ConfigResolver of(ConfigFile file) {
        return new ConfigResolver(Path.of(""), false, file);
    }

    /** Every file gets the defaults. */
    public static ConfigResolver none() {
        return new ConfigResolver(Path.of(""), false, null);
    }

    /** The configuration for one file, with the overrides that match it applied. */
    public RuleConfig forFile(Path file) throws ConfigException {
        Path abs = file.toAbsolutePath().normalize();
        Optional<ConfigFile> c = fixed != null ? Optional.of(fixed)
                : discover && abs.getParent() != null ? nearest(abs.getParent()) : Optional.empty();
        return c.map(f -> f.forFile(abs)).orElse(RuleConfig.DEFAULT);
    }

    private Optional<ConfigFile> nearest(Path dir) throws ConfigException {
        List<Path> walked = new ArrayList<>();
        Optional<ConfigFile> found = Optional.empty();
        for (Path d = dir; d != null; d = d.getParent()) {
            Optional<ConfigFile> known = byDirectory.get(d);
            if (known != null) {
                found = known;
                break;
            }
            walked.add(d);
            Path candidate = d.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                found = Optional.of(ConfigFile.load(candidate, display(candidate)));
                break;
            }
        }
        for (Path d : walked) {
            byDirectory.put(d, found);
        }
        return found;
    }

    private String display(Path p) {
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }
}
