package io.gradflow.cli;

import io.gradflow.config.ConfigException;
import io.gradflow.config.ConfigFile;
import io.gradflow.config.ConfigResolver;
import io.gradflow.config.Exclusions;
import io.gradflow.rules.BuiltInRules;
import io.gradflow.rules.Rule;
import io.gradflow.rules.RuleConfig;
import io.gradflow.rules.RuleInfo;
import io.gradflow.rules.RuleOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gradflow lint --show-settings PATH...} (ruff's {@code --show-settings}): for each path,
 * which configuration files govern it (the furthest first), whether directory walks leave it out,
 * every rule's state (off, or its severity and options) and the thresholds, after the command
 * line's own selection. Nothing is linted.
 */
final class Settings {

    private Settings() {
    }

    static int show(List<String> paths, ConfigResolver configs, Exclusions exclusions, Io io) throws ConfigException {
        boolean first = true;
        for (String p : paths) {
            Path path = Path.of(p);
            // a directory's settings are those of a file directly inside it
            Path file = Files.isDirectory(path) ? path.resolve("model.json") : path;
            if (!first) {
                io.out().println();
            }
            first = false;
            io.out().println("Settings for " + p);
            List<String> sources = new ArrayList<>();
            for (ConfigFile c : configs.chainFor(file)) {
                sources.add(c.display());
            }
            io.out().println("  configuration: " + (sources.isEmpty() ? "none (built-in defaults)"
                    : String.join(", then ", sources)));
            boolean excluded = Files.isDirectory(path) ? exclusions.excludesDirectory(path) : exclusions.excludesFile(path);
            io.out().println("  excluded from directory walks: " + (excluded ? "yes" : "no"));
            RuleConfig rc = configs.forFile(file);
            io.out().println("  rules:");
            for (Rule r : BuiltInRules.all()) {
                io.out().println(String.format(Locale.US, "    %-6s %-28s %s", r.info().id(), r.info().name(),
                        state(rc, r.info())).stripTrailing());
            }
            io.out().println(String.format(Locale.US, "  thresholds: vanishingDecades %s, explodingDecades %s, "
                    + "signalDecades %s", num(rc.thresholds().vanishingDecades()),
                    num(rc.thresholds().explodingDecades()), num(rc.thresholds().signalDecades())));
        }
        return Main.CLEAN;
    }

    private static String state(RuleConfig rc, RuleInfo info) {
        if (!rc.enabled(info.id())) {
            return "off";
        }
        StringBuilder b = new StringBuilder(rc.severity(info).id());
        for (RuleOption o : info.options()) {
            b.append("  ").append(o.name()).append('=').append(num(rc.option(info.id(), o.name(), o.defaultValue())));
        }
        return b.toString();
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
