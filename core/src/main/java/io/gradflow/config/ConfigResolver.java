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
 * Which configuration governs a linted file: the {@code gradflow.json} nearest above it, laid
 * over the one nearest above that (a nested file extends its parent unless it says {@code "root":
 * true} or names its base with {@code "extend"}), or the one given with {@code --config}, or none;
 * then the command line's rule selection. Directories already looked at are remembered.
 */
public final class ConfigResolver {

    /** The name discovery looks for. */
    public static final String FILE_NAME = "gradflow.json";

    private final Path cwd;
    private final boolean discover;
    private final @Nullable ConfigFile fixed;
    private final RuleSelection cli;
    private final Map<Path, Optional<ConfigFile>> byDirectory = new HashMap<>();
    private final Map<Path, List<ConfigFile>> chains = new HashMap<>();

    private ConfigResolver(Path cwd, boolean discover, @Nullable ConfigFile fixed, RuleSelection cli) {
        this.cwd = cwd.toAbsolutePath().normalize();
        this.discover = discover;
        this.fixed = fixed;
        this.cli = cli;
    }

    /** Looks for gradflow.json above each file; error messages name it relative to {@code cwd}. */
    public static ConfigResolver discovering(Path cwd) {
        return new ConfigResolver(cwd, true, null, RuleSelection.NONE);
    }

    /** Every file gets {@code file}'s configuration. */
    public static ConfigResolver of(ConfigFile file) {
        return new ConfigResolver(Path.of(""), false, file, RuleSelection.NONE);
    }

    /** Every file gets the defaults. */
    public static ConfigResolver none() {
        return new ConfigResolver(Path.of(""), false, null, RuleSelection.NONE);
    }

    /** The same resolver with the command line's --select, --extend-select and --ignore applied last. */
    public ConfigResolver withSelection(RuleSelection selection) {
        return new ConfigResolver(cwd, discover, fixed, selection);
    }

    /** The configuration for one file: the chain of files that governs it, then the command line. */
    public RuleConfig forFile(Path file) throws ConfigException {
        List<ConfigFile> chain = chainFor(file);
        if (chain.isEmpty() && cli.isEmpty()) {
            return RuleConfig.DEFAULT;
        }
        return ConfigFile.resolve(chain, file, cli);
    }

    /** The configuration files that govern a file, the furthest first (empty: the defaults). */
    public List<ConfigFile> chainFor(Path file) throws ConfigException {
        Path abs = file.toAbsolutePath().normalize();
        if (fixed != null) {
            return fixed.chain();
        }
        return discover && abs.getParent() != null ? chain(abs.getParent()) : List.of();
    }

    /** The exclude patterns in force in a directory (the built-in ones when no file changes them). */
    List<Exclusions.Anchored> excludes(Path dir) throws ConfigException {
        List<Exclusions.Anchored> out = Exclusions.builtIn(cwd);
        if (fixed == null && !discover) {
            return out;
        }
        List<ConfigFile> chain = fixed != null ? fixed.chain() : discover ? chain(dir) : List.of();
        for (ConfigFile c : chain) {
            out = c.excludes(out);
        }
        return out;
    }

    private List<ConfigFile> chain(Path dir) throws ConfigException {
        Optional<ConfigFile> found = nearest(dir);
        if (found.isEmpty()) {
            return List.of();
        }
        ConfigFile c = found.get();
        List<ConfigFile> known = chains.get(c.directory());
        if (known != null) {
            return known;
        }
        List<ConfigFile> out = new ArrayList<>();
        Path above = c.directory().getParent();
        if (!c.isRoot() && !c.extendsExplicitly() && above != null) {
            out.addAll(chain(above));
        }
        out.addAll(c.chain());
        List<ConfigFile> result = List.copyOf(out);
        chains.put(c.directory(), result);
        return result;
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
