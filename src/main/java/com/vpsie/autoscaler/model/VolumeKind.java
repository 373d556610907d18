package com.vpsie.autoscaler.model;

/** What a pod volume means for draining: only node-local disk counts as local storage. */
public enum VolumeKind { HOST_PATH, EMPTY_DIR_DISK, EMPTY_DIR_MEMORY, OTHER }
