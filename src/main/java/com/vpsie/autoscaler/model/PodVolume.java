package com.vpsie.autoscaler.model;

public record PodVolume(String name, VolumeKind kind) {

    public boolean isLocalStorage() {
        return kind == VolumeKind.HOST_PATH || kind == VolumeKind.EMPTY_DIR_DISK;
    }
}
