package com.vpsie.autoscaler.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's item store that keeps each object in its cached form ({@link CachedPod}, {@link CachedForm}):
 * fabric8 has no transform
 * before caching, but every object the informer caches goes through {@link #put}. Event handlers still
 * receive the object as it came from the API server; the old object of an update is the trimmed one.
 */
final class TrimmingItemStore<T extends HasMetadata> implements ItemStore<T> {

    private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> trim;

    TrimmingItemStore(UnaryOperator<T> trim) {
        this.trim = trim;
    }

    @Override
    public String getKey(T obj) {
        return items.getKey(obj);
    }

    @Override
    public T put(String key, T obj) {
        return items.put(key, trim.apply(obj));
    }

    @Override
    public T remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet();
    }

    @Override
    public Stream<T> values() {
        return items.values();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }
}
