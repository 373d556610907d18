package com.vpsie.autoscaler.controller;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The controller's Kubernetes client: in-cluster or kubeconfig (impersonation included), okhttp, and a deadline on
 * every request.
 */
public final class KubernetesClients {

    static final int CONNECT_TIMEOUT_MS = 10_000;
    static final int REQUEST_TIMEOUT_MS = 30_000;

    private KubernetesClients() {
    }

    /**
     * From {@code kubeconfig}, or (null) fabric8's usual search: $KUBECONFIG, ~/.kube/config, the service account.
     * Without fabric8's own retries: by default it retries a failed request ten times with doubling waits, so one
     * status write, Node delete or lease release could block for minutes. Each call here ends within the connect
     * and request timeouts; callers retry on their own schedule (work queue, next pass, the elector's retry period).
     */
    public static KubernetesClient create(Path kubeconfig) {
        return create(kubeconfig, 0);
    }

    /** As {@link #create(Path)}, with fabric8's own retries of failed requests limited to {@code retries} (null: its default). */
    public static KubernetesClient create(Path kubeconfig, Integer retries) {
        Config base;
        AuthInfo user = null;
        Path source = kubeconfig;
        if (kubeconfig != null) {
            String text;
            try {
                text = Files.readString(kubeconfig);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
            }
            base = Config.fromKubeconfig(text);
            user = userEntry(text, currentUserName(base));
        } else {
            base = Config.autoConfigure(null);
            // $KUBECONFIG or ~/.kube/config when one was found (null in a pod): the file holding the user entry.
            File found = base.getFileWithAuthInfo();
            if (found != null && found.isFile()) {
                source = found.toPath();
                try {
                    user = userEntry(Files.readString(source), currentUserName(base));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read kubeconfig " + found + ": " + e.getMessage(), e);
                }
            }
        }
        ConfigBuilder builder = new ConfigBuilder(base)
                .withConnectionTimeout(CONNECT_TIMEOUT_MS)
                .withRequestTimeout(REQUEST_TIMEOUT_MS);
        if (user != null) {
            impersonate(builder, user, source);
        }
        if (retries != null) {
            builder.withRequestRetryBackoffLimit(retries);
        }
        Config config = builder.build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The user name of the context fabric8 resolved (merged over every file of $KUBECONFIG), or null. */
    private static String currentUserName(Config config) {
        NamedContext current = config.getCurrentContext();
        return current == null || current.getContext() == null ? null : current.getContext().getUser();
    }

    /** The entry named {@code userName} in a kubeconfig's users, or null. */
    private static AuthInfo userEntry(String kubeconfigText, String userName) {
        io.fabric8.kubernetes.api.model.Config parsed =
                Serialization.unmarshal(kubeconfigText, io.fabric8.kubernetes.api.model.Config.class);
        if (userName == null || parsed == null || parsed.getUsers() == null) {
            return null;
        }
        return parsed.getUsers().stream().filter(u -> userName.equals(u.getName())).map(NamedAuthInfo::getUser)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * Applies the user's {@code as}, {@code as-groups} and {@code as-user-extra}, as kubectl does. fabric8 7.8 parses
     * them but does not send them, so a kubeconfig meant to act with a ServiceAccount's rights would silently act
     * with the underlying credential's.
     */
    private static void impersonate(ConfigBuilder builder, AuthInfo user, Path kubeconfig) {
        if (user.getAsUid() != null && !user.getAsUid().isBlank()) {
            // Dropping it would widen what the kubeconfig's author allowed; refuse instead.
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + ": as-uid is not supported; "
                    + "impersonate by user (as) and groups (as-groups) instead");
        }
        if (user.getAs() != null && !user.getAs().isBlank()) {
            builder.withImpersonateUsername(user.getAs());
        }
        if (user.getAsGroups() != null && !user.getAsGroups().isEmpty()) {
            builder.withImpersonateGroups(user.getAsGroups().toArray(String[]::new));
        }
        if (user.getAsUserExtra() != null && !user.getAsUserExtra().isEmpty()) {
            builder.withImpersonateExtras(Map.copyOf(user.getAsUserExtra()));
        }
    }
}
