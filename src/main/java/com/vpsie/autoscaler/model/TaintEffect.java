package com.vpsie.autoscaler.model;

public enum TaintEffect {
    NO_SCHEDULE("NoSchedule"), PREFER_NO_SCHEDULE("PreferNoSchedule"), NO_EXECUTE("NoExecute");

    private final String wireName;

    TaintEffect(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static TaintEffect fromWire(String name) {
        for (TaintEffect e : values()) {
            if (e.wireName.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown taint effect '" + name + "'");
    }
}
