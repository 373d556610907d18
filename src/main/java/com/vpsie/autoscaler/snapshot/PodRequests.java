package com.vpsie.autoscaler.snapshot;

import com.vpsie.autoscaler.model.Resources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;

/**
 * A pod's effective request as kube-scheduler computes it (k8s.io/component-helpers PodRequests, 1.29+):
 * app containers and sidecars (restartable init containers) run together; each regular init container runs
 * alone beside the sidecars started before it; the pod needs the larger of the two, then its overhead.
 */
final class PodRequests {

    private static final String CPU = "cpu";
    private static final String MEMORY = "memory";
    private static final String EPHEMERAL_STORAGE = "ephemeral-storage";

    private PodRequests() {
    }

    static Resources effective(ConversionContext ctx, PodSpec spec) {
        Resources running = Resources.ZERO;
        List<Container> containers = spec.getContainers();
        if (containers != null) {
            for (int i = 0; i < containers.size(); i++) {
                running = running.plus(container(ctx, "spec.containers[" + i + "]", containers.get(i)));
            }
        }
        Resources sidecars = Resources.ZERO;
        Resources initPeak = Resources.ZERO;
        List<Container> inits = spec.getInitContainers();
        if (inits != null) {
            for (int i = 0; i < inits.size(); i++) {
                Container init = inits.get(i);
                Resources r = container(ctx, "spec.initContainers[" + i + "]", init);
                if ("Always".equals(init.getRestartPolicy())) {
                    running = running.plus(r);
                    sidecars = sidecars.plus(r);
                    initPeak = initPeak.max(sidecars);
                } else {
                    initPeak = initPeak.max(r.plus(sidecars));
                }
            }
        }
        Resources total = running.max(initPeak);
        total = podLevel(ctx, spec.getResources(), total);
        total = total.plus(map(ctx, "spec.overhead", spec.getOverhead()));
        return total.withPods(1);
    }

    /** Pod-level resources (KEP 2837) replace the containers' cpu and memory when set. */
    private static Resources podLevel(ConversionContext ctx, ResourceRequirements podResources, Resources total) {
        if (podResources == null) {
            return total;
        }
        long cpu = total.cpuMillis();
        long memory = total.memoryBytes();
        String cpuField = field("spec.resources", podResources, CPU);
        if (cpuField != null) {
            cpu = ctx.millis(cpuField, pick(podResources, CPU));
        }
        String memoryField = field("spec.resources", podResources, MEMORY);
        if (memoryField != null) {
            memory = ctx.units(memoryField, pick(podResources, MEMORY));
        }
        return new Resources(cpu, memory, total.ephemeralStorageBytes(), total.pods());
    }

    /** A container's requests; a resource with a limit and no request counts its limit, as the API server defaults it. */
    private static Resources container(ConversionContext ctx, String path, Container container) {
        ResourceRequirements rr = container.getResources();
        if (rr == null) {
            return Resources.ZERO;
        }
        String base = path + ".resources";
        String cpuField = field(base, rr, CPU);
        String memoryField = field(base, rr, MEMORY);
        String storageField = field(base, rr, EPHEMERAL_STORAGE);
        return new Resources(
                cpuField == null ? 0 : ctx.millis(cpuField, pick(rr, CPU)),
                memoryField == null ? 0 : ctx.units(memoryField, pick(rr, MEMORY)),
                storageField == null ? 0 : ctx.units(storageField, pick(rr, EPHEMERAL_STORAGE)),
                0);
    }

    private static Quantity pick(ResourceRequirements rr, String resource) {
        Map<String, Quantity> requests = rr.getRequests();
        if (requests != null && requests.get(resource) != null) {
            return requests.get(resource);
        }
        return rr.getLimits() == null ? null : rr.getLimits().get(resource);
    }

    /** Path of the value {@link #pick} uses, or null when neither requests nor limits name the resource. */
    private static String field(String base, ResourceRequirements rr, String resource) {
        if (rr.getRequests() != null && rr.getRequests().get(resource) != null) {
            return base + ".requests." + resource;
        }
        if (rr.getLimits() != null && rr.getLimits().get(resource) != null) {
            return base + ".limits." + resource;
        }
        return null;
    }

    private static Resources map(ConversionContext ctx, String path, Map<String, Quantity> quantities) {
        if (quantities == null) {
            return Resources.ZERO;
        }
        Quantity cpu = quantities.get(CPU);
        Quantity memory = quantities.get(MEMORY);
        Quantity storage = quantities.get(EPHEMERAL_STORAGE);
        return new Resources(
                cpu == null ? 0 : ctx.millis(path + "." + CPU, cpu),
                memory == null ? 0 : ctx.units(path + "." + MEMORY, memory),
                storage == null ? 0 : ctx.units(path + "." + EPHEMERAL_STORAGE, storage),
                0);
    }
}
