package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Prefers groups by configured priority: priority → regular expressions matched against the whole group
 * name; a group takes the highest priority any of its expressions match, higher wins. A group matching
 * nothing ranks below every configured priority; if no option matches anything, all are equally good.
 */
public final class PriorityExpander implements Expander {

    public static final String NAME = "priority";

    private record Rule(int priority, Pattern pattern) {
    }

    private final List<Rule> rules;

    /**
     * @throws IllegalArgumentException naming the expression when one is null or does not compile, so a
     *     bad configuration fails at startup instead of silently never matching
     */
    public PriorityExpander(Map<Integer, List<String>> priorities) {
        if (priorities == null) {
            throw new IllegalArgumentException("priority expander needs a priorities map");
        }
        List<Rule> compiled = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : priorities.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("priority expander: null priority or regex list in " + priorities);
            }
            for (String regex : e.getValue()) {
                if (regex == null) {
                    throw new IllegalArgumentException("priority expander: null regex at priority " + e.getKey());
                }
                try {
                    compiled.add(new Rule(e.getKey(), Pattern.compile(regex)));
                } catch (PatternSyntaxException ex) {
                    throw new IllegalArgumentException("priority expander: invalid regex '" + regex
                            + "' at priority " + e.getKey() + ": " + ex.getDescription(), ex);
                }
            }
        }
        // Highest first, so the first match is the group's priority.
        compiled.sort(Comparator.comparingInt(Rule::priority).reversed());
        this.rules = List.copyOf(compiled);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The highest priority whose expression fully matches the group name, empty when none does. */
    public OptionalInt priorityOf(String groupName) {
        for (Rule r : rules) {
            if (r.pattern().matcher(groupName).matches()) {
                return OptionalInt.of(r.priority());
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public List<ScaleUpOption> best(List<ScaleUpOption> options) {
        // long so that "matched nothing" sits strictly below Integer.MIN_VALUE as a configured priority.
        long[] ranks = new long[options.size()];
        long top = Long.MIN_VALUE;
        for (int i = 0; i < ranks.length; i++) {
            OptionalInt p = priorityOf(options.get(i).groupName());
            ranks[i] = p.isPresent() ? p.getAsInt() : Long.MIN_VALUE;
            top = Math.max(top, ranks[i]);
        }
        List<ScaleUpOption> best = new ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            if (ranks[i] == top) {
                best.add(options.get(i));
            }
        }
        return List.copyOf(best);
    }
}
