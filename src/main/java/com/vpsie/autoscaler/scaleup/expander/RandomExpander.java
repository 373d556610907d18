package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.List;
import java.util.Random;

/**
 * Picks exactly one option at random. The generator is seeded once, in the constructor, so an expander
 * built from the same seed and fed the same sequence of inputs picks the same options: a plan over a saved
 * snapshot is reproducible. Successive calls on one instance advance the generator.
 */
public final class RandomExpander implements Expander {

    public static final String NAME = "random";

    private final Random random;

    public RandomExpander(long seed) {
        this.random = new Random(mix(seed));
    }

    /**
     * SplitMix64's finalizer. java.util.Random's first draws for nearby seeds (0, 1, 2, ...) are nearly
     * identical, so small hand-picked seeds would all pick the same option; scrambling spreads them.
     */
    static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ScaleUpOption> best(List<ScaleUpOption> options) {
        if (options.isEmpty()) {
            return List.of();
        }
        // Always draw, even for a single option, so the sequence depends only on how many calls were made.
        int pick = random.nextInt(options.size());
        return List.of(options.get(pick));
    }
}
