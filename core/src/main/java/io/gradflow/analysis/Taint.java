package io.gradflow.analysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The opaque layers a node's numbers depend on, shared between nodes instead of copied: a node
 * that adds nothing to what its one input carries holds that input's cell, so a chain of n layers
 * behind k opaque ones costs n + k cells, not n times k names. Null is the empty set.
 */
final class Taint {

    /** The node this taint starts at; null for a union of parts alone. */
    private final @Nullable String name;
    private final List<Taint> parts;

    private Taint(@Nullable String name, List<Taint> parts) {
        this.name = name;
        this.parts = parts;
    }

    /**
     * The union of {@code parts} (nulls are empty) followed by {@code self} (null for none): the
     * order a set built by adding each part in turn, then self, would have.
     */
    static @Nullable Taint join(List<Taint> parts, @Nullable String self) {
        List<Taint> distinct = new ArrayList<>(parts.size());
        Set<Taint> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Taint t : parts) {
            if (t != null && seen.add(t)) {
                distinct.add(t);
            }
        }
        if (self == null) {
            if (distinct.isEmpty()) {
                return null;
            }
            if (distinct.size() == 1) {
                return distinct.get(0);
            }
        }
        return new Taint(self, List.copyOf(distinct));
    }

    /** The names in {@code cells}, in order, each once; iterative, so no chain is too long. */
    static Set<String> names(List<Taint> cells) {
        Set<String> out = new LinkedHashSet<>();
        Set<Taint> done = Collections.newSetFromMap(new IdentityHashMap<>());
        // post-order: a cell's parts, in order, before its own name
        Deque<Object[]> stack = new ArrayDeque<>();
        for (Taint root : cells) {
            if (root == null || done.contains(root)) {
                continue;
            }
            stack.push(new Object[] {root, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Taint t = (Taint) top[0];
                int next = (Integer) top[1];
                if (next < t.parts.size()) {
                    top[1] = next + 1;
                    Taint p = t.parts.get(next);
                    if (!done.contains(p)) {
                        stack.push(new Object[] {p, 0});
                    }
                    continue;
                }
                stack.pop();
                if (done.add(t) && t.name != null) {
                    out.add(t.name);
                }
            }
        }
        return out;
    }
}
