package com.vpsie.autoscaler.testing;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/** An informer event handler for tests that read the caches and do not care about events. */
public final class IgnoringHandler {

    private IgnoringHandler() {
    }

    public static <T> ResourceEventHandler<T> ignoring() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }
}
