package com.vpsie.autoscaler.model;

public record Taint(String key, String value, TaintEffect effect) {

    public Taint {
        value = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect.wireName();
    }
}
