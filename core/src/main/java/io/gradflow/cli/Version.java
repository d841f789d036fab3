package io.gradflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** gradflow's version and home, from the build (version.properties, filtered by Maven). */
public final class Version {

    private Version() {
    }

    public static String get() {
        return property("version", "dev");
    }

    /** The project's home page. */
    public static String url() {
        return property("url", "https://github.com/gradflow/gradflow");
    }

    /** The base address of the rule pages: a rule's page is this plus "GF001-name.md". */
    public static String rulesUrl() {
        return property("rulesUrl", url() + "/blob/main/rules/");
    }

    private static String property(String key, String dflt) {
        try (InputStream in = Version.class.getResourceAsStream("/io/gradflow/version.properties")) {
            if (in == null) {
                return dflt;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty(key, dflt);
            return v.startsWith("${") ? dflt : v;
        } catch (IOException e) {
            return dflt;
        }
    }
}
