package com.vpsie.autoscaler.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Watches one namespace's app pods and keeps, in the API server's order of events, when this JVM first saw each
 * pod Unschedulable and first saw it Running and Ready, and how many pods were available after every event.
 */
final class PodTracker implements AutoCloseable {

    private final Map<String, Instant> unschedulable = new ConcurrentHashMap<>();
    private final Map<String, Instant> running = new ConcurrentHashMap<>();
    /** The pods as the last event showed them; touched only by the watch thread and {@link #available()}. */
    private final Map<String, Pod> current = new HashMap<>();
    private final IntConsumer onAvailable;
    private final Watch watch;

    PodTracker(KubernetesClient client, String ns, IntConsumer onAvailable) {
        this.onAvailable = onAvailable;
        this.watch = client.pods().inNamespace(ns).withLabel("app", E2eWorld.APP).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                record(action, pod);
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private void record(Watcher.Action action, Pod pod) {
        Instant now = Instant.now();
        String name = pod.getMetadata().getName();
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))) {
            unschedulable.putIfAbsent(name, now);
        }
        if (E2eWorld.runningAndReady(pod)) {
            running.putIfAbsent(name, now);
        }
        int available;
        synchronized (current) {
            if (action == Watcher.Action.DELETED) {
                current.remove(name);
            } else {
                current.put(name, pod);
            }
            available = (int) current.values().stream().filter(E2eWorld::runningAndReady).count();
        }
        onAvailable.accept(available);
    }

    int available() {
        synchronized (current) {
            return (int) current.values().stream().filter(E2eWorld::runningAndReady).count();
        }
    }

    Map<String, Instant> unschedulableSince() {
        return Map.copyOf(unschedulable);
    }

    Map<String, Instant> runningSince() {
        return Map.copyOf(running);
    }

    List<String> seen() {
        synchronized (current) {
            return List.copyOf(current.keySet());
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
