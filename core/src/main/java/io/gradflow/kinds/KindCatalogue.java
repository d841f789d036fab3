package io.gradflow.kinds;

import io.gradflow.model.LayerKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a list of kinds honest: every model tag has exactly one kind, every kind has its parts
 * (a simulation and a DL4J part, each either working or saying why not), and no DL4J class name
 * is claimed by two kinds. The catalogue test runs it over {@link Kinds#all()}.
 */
public final class KindCatalogue {

    private KindCatalogue() {
    }

    /** What is wrong with {@code kinds}, one line each; empty when nothing is. */
    public static List<String> problems(List<Kind> kinds) {
        List<String> out = new ArrayList<>();
        Map<LayerKind, Kind> byTag = new EnumMap<>(LayerKind.class);
        Map<String, Kind> classes = new HashMap<>();
        for (Kind k : kinds) {
            String name = k.getClass().getSimpleName();
            if (k.tag() == null) {
                out.add(name + ": no model tag");
                continue;
            }
            Kind before = byTag.put(k.tag(), k);
            if (before != null) {
                out.add(k.tag() + ": two kinds, " + before.getClass().getSimpleName() + " and " + name);
            }
            if (k.simulation() == null) {
                out.add(name + ": no finite-width part (return Simulation.unsupported(why) where it has none)");
            }
            Dl4jPart dl4j = k.dl4j();
            if (dl4j == null) {
                out.add(name + ": no Deeplearning4j part (return Dl4jPart.unsupported(why) where it has none)");
            } else {
                for (String c : dl4j.classes()) {
                    Kind other = classes.put(c, k);
                    if (other != null && other != k) {
                        out.add("DL4J class " + c + " is claimed by " + other.getClass().getSimpleName() + " and "
                                + name);
                    }
                }
            }
        }
        for (LayerKind tag : LayerKind.values()) {
            if (!byTag.containsKey(tag)) {
                out.add(tag + ": no kind implements it");
            }
        }
        return out;
    }
}
