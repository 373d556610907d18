package com.vpsie.autoscaler.model;

/** Operators of node selector and label selector requirements (Gt and Lt only in node selectors). */
public enum SelectorOperator {
    IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GT, LT;

    public static SelectorOperator fromWire(String name) {
        switch (name) {
            case "In": return IN;
            case "NotIn": return NOT_IN;
            case "Exists": return EXISTS;
            case "DoesNotExist": return DOES_NOT_EXIST;
            case "Gt": return GT;
            case "Lt": return LT;
            default: throw new IllegalArgumentException("unknown operator '" + name + "'");
        }
    }
}
