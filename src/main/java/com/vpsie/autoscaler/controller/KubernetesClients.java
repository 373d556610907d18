package com.vpsie.autoscaler.controller;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The controller's Kubernetes client: in-cluster or kubeconfig, okhttp, and a deadline on every request. */
public final class KubernetesClients {

    static final int CONNECT_TIMEOUT_MS = 10_000;
    static final int REQUEST_TIMEOUT_MS = 30_000;

    private KubernetesClients() {
    }

    /** From {@code kubeconfig}, or (null) fabric8's usual search: $KUBECONFIG, ~/.kube/config, the service account. */
    public static KubernetesClient create(Path kubeconfig) {
        return create(kubeconfig, null);
    }

    /** As {@link #create(Path)}, with fabric8's own retries of failed requests limited to {@code retries} (null: its default). */
    public static KubernetesClient create(Path kubeconfig, Integer retries) {
        Config base;
        if (kubeconfig != null) {
            try {
                base = Config.fromKubeconfig(Files.readString(kubeconfig));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
            }
        } else {
            base = Config.autoConfigure(null);
        }
        ConfigBuilder builder = new ConfigBuilder(base)
                .withConnectionTimeout(CONNECT_TIMEOUT_MS)
                .withRequestTimeout(REQUEST_TIMEOUT_MS);
        if (retries != null) {
            builder.withRequestRetryBackoffLimit(retries);
        }
        Config config = builder.build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
