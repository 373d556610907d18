package com.vpsie.autoscaler.controller;

/**
 * Records Kubernetes Events about Pods, Nodes and NodeGroups: TriggeredScaleUp and NotTriggerScaleUp on Pods,
 * ScaledUpGroup, ScaleUpTimedOut and validation failures on NodeGroups, ScaleDown and ScaleDownFailed on Nodes.
 * Recording is best-effort: it never blocks on the network and never throws into the caller.
 */
public interface EventRecorder extends AutoCloseable {

    /** Records don't fail and don't wait: callers are control loops that must not stall on an Event. */
    void record(InvolvedObject object, Type type, String reason, String message);

    default void normal(InvolvedObject object, String reason, String message) {
        record(object, Type.NORMAL, reason, message);
    }

    default void warning(InvolvedObject object, String reason, String message) {
        record(object, Type.WARNING, reason, message);
    }

    /** Drops what is remembered about {@code object}; call it when the object is deleted. */
    void forget(InvolvedObject object);

    /** Stops sending; Events still queued get a brief chance to go out. */
    @Override
    default void close() {
    }

    /** A recorder that sends nothing, for tests and dry runs. */
    static EventRecorder noop() {
        return Noop.INSTANCE;
    }

    /** The two Event types Kubernetes knows, spelled as the API wants them. */
    enum Type {
        NORMAL("Normal"),
        WARNING("Warning");

        private final String apiName;

        Type(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    /** The recorder {@link #noop()} returns. */
    enum Noop implements EventRecorder {
        INSTANCE;

        @Override
        public void record(InvolvedObject object, Type type, String reason, String message) {
        }

        @Override
        public void forget(InvolvedObject object) {
        }
    }
}
