package com.vpsie.autoscaler.testing;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** An informer handler for caches a test reads but does not react to. */
public final class IgnoreEvents<T> implements ResourceEventHandler<T> {

    /** One for a cache's {@code start(...)}, where a generic method reads better than a constructor. */
    public static <T> ResourceEventHandler<T> ignoring() {
        return new IgnoreEvents<>();
    }

    @Override
    public void onAdd(T obj) {
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    }
}
