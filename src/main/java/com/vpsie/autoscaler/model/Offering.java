package com.vpsie.autoscaler.model;

/** A VPSie server size a group may use; {@code resources} are what a new node of it offers to pods. */
public record Offering(String id, Resources resources, double pricePerHour) {
}
