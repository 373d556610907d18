package com.vpsie.autoscaler.snapshot;

import java.util.List;

/**
 * Input that cannot become a snapshot. Each problem is one line a user can act on, shaped
 * {@code [file: ]Kind namespace/name: field.path: what is wrong}; the message is those lines.
 */
public class SnapshotException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public SnapshotException(String problem) {
        this(List.of(problem));
    }

    public SnapshotException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a SnapshotException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** A problem with one field of one object, e.g. ("Pod default/web-1", "spec.priority", "must be ..."). */
    public static SnapshotException of(String object, String field, String problem) {
        return new SnapshotException(object + ": " + field + ": " + problem);
    }

    public List<String> problems() {
        return problems;
    }
}
