package com.vpsie.autoscaler.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.controller.CachedForm;
import com.vpsie.autoscaler.controller.CachedPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Heap a pod cache holds for N realistic pods, in the three forms a cache could keep them: the whole object
 * as the informer parses it, a fabric8 Pod trimmed to what the controller reads ({@link CachedForm#pod}),
 * and the projection the pod cache holds ({@link CachedPod}: identity and the decision core's {@code PodInfo}). Each pod is parsed from its JSON, as an informer does, so no
 * string is shared between pods that the API server would not share. Heap is measured after full GCs.
 */
public final class CacheHeapBenchmark {

    /** Bytes retained per form; the JSON line carries them in MiB. */
    public record Result(int pods, long jsonBytesPerPod, long fullBytes, long trimmedBytes, long projectedBytes) {
    }

    private CacheHeapBenchmark() {
    }

    public static Result run(int podCount, PrintWriter out) {
        KubernetesSerialization json = new KubernetesSerialization();
        List<byte[]> wire = new ArrayList<>(podCount);
        long jsonBytes = 0;
        for (int i = 0; i < podCount; i++) {
            // 30 replicas per Deployment, 30 pods per node: the 1,000 nodes / 30,000 pods shape.
            Pod pod = RealisticPods.asListed(i / 30, i, "team-" + (i / 30 % 20), "node-" + (i % 1000));
            byte[] bytes = json.asJson(pod).getBytes(StandardCharsets.UTF_8);
            jsonBytes += bytes.length;
            wire.add(bytes);
        }
        out.printf(Locale.ROOT, "%d realistic pods, %.1f KiB of JSON each on average%n", podCount,
                jsonBytes / (double) podCount / 1024);
        long full = retained(wire, json, p -> p, out, "whole objects (before)");
        long trimmed = retained(wire, json, CachedForm::pod, out, "trimmed fabric8 Pod (CachedForm.pod)");
        long projected = retained(wire, json, CachedPod::of, out, "projected (CachedPod: identity + PodInfo; now)");
        Result r = new Result(podCount, jsonBytes / podCount, full, trimmed, projected);
        out.printf(Locale.ROOT, "trimmed keeps %.0f%%, projected %.0f%% of the whole objects' heap%n",
                100.0 * trimmed / full, 100.0 * projected / full);
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("pods", podCount);
        o.put("jsonBytesPerPod", r.jsonBytesPerPod());
        o.put("fullMiB", mib(full));
        o.put("trimmedMiB", mib(trimmed));
        o.put("projectedMiB", mib(projected));
        o.put("fullBytesPerPod", full / podCount);
        o.put("trimmedBytesPerPod", trimmed / podCount);
        o.put("projectedBytesPerPod", projected / podCount);
        out.println(o);
        out.flush();
        return r;
    }

    private static long retained(List<byte[]> wire, KubernetesSerialization json, Function<Pod, Object> form,
                                 PrintWriter out, String label) {
        long before = usedAfterGc();
        List<Object> cache = new ArrayList<>(wire.size());
        for (byte[] bytes : wire) {
            cache.add(form.apply(json.unmarshal(new String(bytes, StandardCharsets.UTF_8), Pod.class)));
        }
        long after = usedAfterGc();
        long retained = Math.max(0, after - before);
        out.printf(Locale.ROOT, "  %-48s %7.1f MiB, %6d bytes per pod%n", label, retained / 1048576.0,
                retained / wire.size());
        out.flush();
        if (cache.size() != wire.size()) {
            throw new IllegalStateException("lost pods");
        }
        return retained;
    }

    /** Heap in use after repeated full collections, once it stops shrinking. */
    static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = rt.totalMemory() - rt.freeMemory();
            if (now >= used && i >= 2) {
                return Math.min(used, now);
            }
            used = Math.min(used, now);
        }
        return used;
    }

    private static double mib(long bytes) {
        return Math.round(bytes / 1048576.0 * 10) / 10.0;
    }
}
