package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.model.PodInfo;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Holds each part of a cached pod that many pods have equal (labels, requests, tolerations, affinity,
 * owner, node name, namespace...) once, however many pods carry it. Every pod the informer receives is
 * parsed from its own JSON, so 30 replicas of a Deployment arrive with 30 equal but separate copies of the
 * same label map and the same toleration list; {@code bench --scenario cache-heap} measured these copies as
 * most of the pod cache's heap.
 *
 * <p>The parts are immutable values (records, immutable maps and lists, strings, instants), so sharing
 * one instance between pods changes nothing a reader can see. Entries are weak: a part stays here only
 * while some cached pod still holds it, so the table shrinks with the cache and never has to be cleaned by
 * hand when a pod goes. The value is a weak reference to the key itself, which is how a {@link WeakHashMap}
 * can hand back its key without holding it strongly.
 */
final class SharedPodParts {

    /** The one instance the pod cache uses; weak entries make sharing it between informers harmless. */
    static final SharedPodParts POD_CACHE = new SharedPodParts();

    private final Map<Object, WeakReference<Object>> parts = new WeakHashMap<>();

    /** The instance held for values equal to {@code part}, which becomes that instance if there is none; null stays null. */
    @SuppressWarnings("unchecked")
    synchronized <T> T intern(T part) {
        if (part == null) {
            return null;
        }
        WeakReference<Object> held = parts.get(part);
        Object existing = held == null ? null : held.get();
        if (existing != null) {
            return (T) existing;
        }
        parts.put(part, new WeakReference<>(part));
        return part;
    }

    /**
     * {@code info} with its repeated parts replaced by the held instances. The name is left alone (it is
     * unique to the pod); {@link PodInfo}'s constructor keeps immutable collections as they are, so the held
     * instances are what the new record refers to.
     */
    PodInfo share(PodInfo info) {
        return new PodInfo(
                intern(info.namespace()),
                info.name(),
                intern(info.labels()),
                intern(info.annotations()),
                intern(info.nodeName()),
                intern(info.phase()),
                info.priority(),
                intern(info.priorityClassName()),
                intern(info.requests()),
                intern(info.nodeSelector()),
                intern(info.requiredNodeAffinity()),
                intern(info.tolerations()),
                intern(info.hostPorts()),
                intern(info.requiredAffinity()),
                intern(info.requiredAntiAffinity()),
                intern(info.topologySpread()),
                intern(info.controller()),
                intern(info.volumes()),
                info.unschedulable(),
                intern(info.creationTimestamp()),
                info.terminationGracePeriodSeconds(),
                info.deleting());
    }

    /** Parts held now; entries of parts nobody holds any more are dropped first. */
    synchronized int size() {
        return parts.size();
    }
}
