package com.vpsie.autoscaler.api.v1alpha1;

/** A problem with one field of a NodeGroup; {@code field} is a path such as {@code spec.offeringIDs[1]}. */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
