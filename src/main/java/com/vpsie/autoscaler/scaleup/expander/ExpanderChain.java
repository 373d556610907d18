package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Applies expanders in order, each narrowing the survivors of the one before.
 *
 * <p>Ties left after the whole chain are broken deterministically by {@link #TIE_BREAK} (group name, then
 * offering id, then namespace, then input order), not at random as cluster-autoscaler does. A plan must be
 * reproducible from a snapshot and settings alone, which matters more here than spreading scale-ups across
 * equal groups; configure the "random" expander last in the chain to get spreading back (seeded, still
 * reproducible).
 */
public final class ExpanderChain implements Expander {

    /** Final tie-break among options the chain could not separate; a stable sort keeps input order last. */
    public static final Comparator<ScaleUpOption> TIE_BREAK = Comparator
            .comparing(ScaleUpOption::groupName, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ScaleUpOption::offeringId, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(o -> o.nodeGroup().namespace(), Comparator.nullsLast(Comparator.naturalOrder()));

    private final List<Expander> expanders;

    public ExpanderChain(List<? extends Expander> expanders) {
        if (expanders == null || expanders.isEmpty()) {
            throw new IllegalArgumentException("an expander chain needs at least one expander");
        }
        this.expanders = List.copyOf(expanders);
    }

    /**
     * The chain named by {@code settings.expanders()}, in order.
     *
     * @throws IllegalArgumentException naming an unknown expander, or from {@link PriorityExpander} for a bad regex
     */
    public static ExpanderChain from(PlannerSettings settings) {
        List<Expander> chain = new ArrayList<>();
        for (String name : settings.expanders()) {
            chain.add(create(name, settings));
        }
        return new ExpanderChain(chain);
    }

    /** One expander by its configured name. */
    public static Expander create(String name, PlannerSettings settings) {
        if (name == null) {
            throw new IllegalArgumentException("expander name is null (known: " + PlannerSettings.KNOWN_EXPANDERS + ")");
        }
        return switch (name) {
            case LeastWasteExpander.NAME -> new LeastWasteExpander();
            case PriceExpander.NAME -> new PriceExpander();
            case PriorityExpander.NAME -> new PriorityExpander(settings.priorities());
            case MostPodsExpander.NAME -> new MostPodsExpander();
            case RandomExpander.NAME -> new RandomExpander(settings.randomSeed());
            default -> throw new IllegalArgumentException(
                    "unknown expander '" + name + "' (known: " + PlannerSettings.KNOWN_EXPANDERS + ")");
        };
    }

    public List<Expander> expanders() {
        return expanders;
    }

    /** The expander names joined with commas, as configured. */
    @Override
    public String name() {
        return expanders.stream().map(Expander::name).collect(Collectors.joining(","));
    }

    /** Survivors of the whole chain, in input order, before the final tie-break. */
    @Override
    public List<ScaleUpOption> best(List<ScaleUpOption> options) {
        List<ScaleUpOption> survivors = List.copyOf(options);
        if (survivors.isEmpty()) {
            return survivors;
        }
        for (Expander e : expanders) {
            List<ScaleUpOption> next = e.best(survivors);
            if (next == null || next.isEmpty()) {
                throw new IllegalStateException("expander '" + e.name() + "' dropped every option");
            }
            survivors = List.copyOf(next);
        }
        return survivors;
    }

    /** The single winner: the chain's survivors, then {@link #TIE_BREAK}; empty only for empty input. */
    public Optional<ScaleUpOption> choose(List<ScaleUpOption> options) {
        List<ScaleUpOption> survivors = best(options);
        if (survivors.size() <= 1) {
            return survivors.stream().findFirst();
        }
        return survivors.stream().sorted(TIE_BREAK).findFirst();
    }
}
