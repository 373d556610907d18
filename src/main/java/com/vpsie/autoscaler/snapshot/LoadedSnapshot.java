package com.vpsie.autoscaler.snapshot;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import java.util.List;

/** A snapshot read from a file, with notes for stderr about what was skipped or looks wrong. */
public record LoadedSnapshot(ClusterSnapshot snapshot, List<String> warnings) {

    public LoadedSnapshot {
        warnings = List.copyOf(warnings);
    }
}
