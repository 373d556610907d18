package com.vpsie.autoscaler.model;

/** A pod toleration; a null key with operator Exists tolerates everything, a null effect matches every effect. */
public record Toleration(String key, Operator operator, String value, TaintEffect effect) {

    public enum Operator { EQUAL, EXISTS }

    public Toleration {
        operator = operator == null ? Operator.EQUAL : operator;
        value = value == null ? "" : value;
    }

    public boolean tolerates(Taint taint) {
        if (effect != null && effect != taint.effect()) {
            return false;
        }
        if (key == null || key.isEmpty()) {
            return operator == Operator.EXISTS;
        }
        if (!key.equals(taint.key())) {
            return false;
        }
        return operator == Operator.EXISTS || value.equals(taint.value());
    }
}
