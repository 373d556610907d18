package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * How the pod informer holds a pod: its identity (name, namespace, uid, resourceVersion, which the informer
 * needs) and the decision core's {@link PodInfo}, converted once when the pod arrives instead of on every
 * pass. Parts that replicas have equal (labels, requests, tolerations...) are held once for all of them
 * ({@link SharedPodParts}). Measured with {@code bench --scenario cache-heap}: about 460 bytes a pod, a
 * seventieth of the whole object and a seventeenth of a trimmed one (docs/performance.md). A pod that cannot
 * be converted keeps the reason, and every pass leaves it out with that warning, as it would if it converted
 * then.
 */
public final class CachedPod extends Pod {

    private final transient PodInfo info;
    private final transient String problem;

    private CachedPod(ObjectMeta identity, PodInfo info, String problem) {
        setApiVersion("v1");
        setKind("Pod");
        setMetadata(identity);
        // fabric8 starts every object with its own empty, mutable collections: about 400 bytes a pod, as much
        // as the rest of the cached pod. One immutable empty instance serves them all; cached objects are
        // never modified.
        setAdditionalProperties(Map.of());
        this.info = info;
        this.problem = problem;
    }

    /** The cached form of a pod as the API server sent it. */
    public static CachedPod of(Pod pod) {
        ObjectMeta m = pod.getMetadata();
        ObjectMeta identity = new ObjectMeta();
        identity.setName(m.getName());
        identity.setNamespace(SharedPodParts.POD_CACHE.intern(m.getNamespace()));
        identity.setUid(m.getUid());
        identity.setResourceVersion(m.getResourceVersion());
        identity.setLabels(Map.of());
        identity.setAnnotations(Map.of());
        identity.setFinalizers(List.of());
        identity.setManagedFields(List.of());
        identity.setOwnerReferences(List.of());
        identity.setAdditionalProperties(Map.of());
        try {
            return new CachedPod(identity, SharedPodParts.POD_CACHE.share(ClusterObjectConverter.toPodInfo(pod)), null);
        } catch (RuntimeException e) {
            return new CachedPod(identity, null, e.getMessage());
        }
    }

    /** What the decision core reads of this pod; null when it could not be converted (see {@link #problem()}). */
    public PodInfo info() {
        return info;
    }

    /** Why the pod could not be converted, or null. */
    public String problem() {
        return problem;
    }

    /** Bound to no node and marked Unschedulable by the scheduler. */
    public boolean unschedulable() {
        return info != null && info.nodeName() == null && info.unschedulable();
    }

    /** The node the pod is bound to, or null. */
    public String nodeName() {
        return info == null ? null : info.nodeName();
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
