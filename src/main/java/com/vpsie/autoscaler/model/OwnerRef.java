package com.vpsie.autoscaler.model;

public record OwnerRef(String kind, String name) {
}
