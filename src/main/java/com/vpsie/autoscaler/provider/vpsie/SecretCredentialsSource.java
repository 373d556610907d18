package com.vpsie.autoscaler.provider.vpsie;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials read from one Secret, kept current by an informer on that Secret alone (a field selector on its
 * name, so a Role limited by {@code resourceNames} is enough). Keys as the Go autoscaler reads them:
 * {@code token} (static token) wins; otherwise {@code clientId} and {@code clientSecret}; {@code url} is optional.
 *
 * <p>A missing Secret or key is reported by {@link #current()} with a message naming the Secret and the key,
 * and logged once per change. No value is ever logged or put in a message.
 */
public final class SecretCredentialsSource implements VpsieCredentialsSource, AutoCloseable {

    public static final String KEY_CLIENT_ID = "clientId";
    public static final String KEY_CLIENT_SECRET = "clientSecret";
    public static final String KEY_TOKEN = "token";
    public static final String KEY_URL = "url";

    private static final Logger LOG = LoggerFactory.getLogger(SecretCredentialsSource.class);

    private final String namespace;
    private final String name;
    private final SharedIndexInformer<Secret> informer;
    /** Last parse, reused while the Secret's resourceVersion stays the same. */
    private volatile Parsed parsed;
    /** The last failure to read the Secret, shown while it has not been read. */
    private volatile String lastError;
    /** What was last logged, so a change is logged once and a steady state not at all. */
    private volatile String lastLogged;

    private record Parsed(String uid, String resourceVersion, VpsieCredentials credentials, String problem) {
    }

    public SecretCredentialsSource(KubernetesClient client, String namespace, String name) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.informer = client.secrets().inNamespace(namespace).withName(name).runnableInformer(0);
        // fabric8 gives up on an informer whose first list fails, and every VPSie call would fail until a restart:
        // retry every failure (with fabric8's growing wait, at most about half a minute), log it, and say why
        this.informer.exceptionHandler((started, error) -> {
            String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
            lastError = text;
            LOG.warn("Reading the VPSie credentials Secret {} failed, retrying: {}", where(), text);
            return true;
        });
        this.informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret secret) {
                logState();
            }

            @Override
            public void onUpdate(Secret oldSecret, Secret newSecret) {
                logState();
            }

            @Override
            public void onDelete(Secret secret, boolean deletedFinalStateUnknown) {
                logState();
            }
        });
    }

    /**
     * Starts watching and waits up to {@code timeout} for the first read. A failure (no RBAC, API server down)
     * is logged and left to {@link #current()} to report; the informer keeps retrying in the background.
     */
    public SecretCredentialsSource start(Duration timeout) {
        try {
            informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            logState();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("Cannot read the VPSie credentials Secret {}: {}", where(), describe(e));
        }
        return this;
    }

    @Override
    public VpsieCredentials current() throws CredentialsUnavailableException {
        if (!informer.hasSynced()) {
            String error = lastError;
            throw new CredentialsUnavailableException("VPSie credentials Secret " + where() + " has not been read yet"
                    + (error == null ? "" : " (last attempt failed: " + error + "; retrying)"));
        }
        Secret secret = informer.getStore().getByKey(namespace + "/" + name);
        if (secret == null) {
            throw new CredentialsUnavailableException("VPSie credentials Secret " + where() + " not found");
        }
        Parsed p = parse(secret);
        if (p.credentials == null) {
            throw new CredentialsUnavailableException(p.problem);
        }
        return p.credentials;
    }

    /** Why VPSie calls cannot be made now, or empty when the credentials are usable. */
    public java.util.Optional<String> problem() {
        try {
            current();
            return java.util.Optional.empty();
        } catch (CredentialsUnavailableException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    private Parsed parse(Secret secret) {
        String uid = secret.getMetadata().getUid();
        String rv = secret.getMetadata().getResourceVersion();
        Parsed cached = parsed;
        if (cached != null && rv != null && Objects.equals(cached.uid, uid) && rv.equals(cached.resourceVersion)) {
            return cached;
        }
        Parsed fresh;
        try {
            fresh = new Parsed(uid, rv, credentialsOf(secret), null);
        } catch (CredentialsUnavailableException e) {
            fresh = new Parsed(uid, rv, null, e.getMessage());
        }
        parsed = fresh;
        return fresh;
    }

    private VpsieCredentials credentialsOf(Secret secret) throws CredentialsUnavailableException {
        String token = value(secret, KEY_TOKEN);
        String url = value(secret, KEY_URL);
        if (token != null) {
            return VpsieCredentials.staticToken(token, url);
        }
        String clientId = value(secret, KEY_CLIENT_ID);
        String clientSecret = value(secret, KEY_CLIENT_SECRET);
        if (clientId == null && clientSecret == null) {
            throw new CredentialsUnavailableException("VPSie credentials Secret " + where() + " has neither key '"
                    + KEY_TOKEN + "' nor keys '" + KEY_CLIENT_ID + "' and '" + KEY_CLIENT_SECRET + "'");
        }
        if (clientId == null) {
            throw missingKey(KEY_CLIENT_ID);
        }
        if (clientSecret == null) {
            throw missingKey(KEY_CLIENT_SECRET);
        }
        return VpsieCredentials.clientCredentials(clientId, clientSecret, url);
    }

    private CredentialsUnavailableException missingKey(String key) {
        return new CredentialsUnavailableException(
                "VPSie credentials Secret " + where() + ": key '" + key + "' is missing or empty");
    }

    /** A key's value from {@code data} (base64) or {@code stringData}; null when absent or blank. */
    private static String value(Secret secret, String key) {
        String text = null;
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            try {
                text = new String(Base64.getDecoder().decode(data.get(key).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                // The API server only stores valid base64 here; treat anything else as absent.
                text = null;
            }
        } else if (secret.getStringData() != null) {
            text = secret.getStringData().get(key);
        }
        if (text == null) {
            return null;
        }
        // kubectl create secret --from-file keeps a trailing newline; it is never part of a credential.
        String trimmed = text.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private void logState() {
        if (!informer.hasSynced()) {
            // Events of the initial list arrive before the informer counts as synced; start() logs the outcome.
            return;
        }
        String state;
        try {
            VpsieCredentials c = current();
            state = "VPSie credentials read from Secret " + where() + " (mode " + c.mode()
                    + (c.url().isPresent() ? ", API URL from the Secret" : "") + ")";
        } catch (CredentialsUnavailableException e) {
            state = e.getMessage();
        }
        // Rotations change values but not this text; say so without showing anything.
        Parsed p = parsed;
        String version = p == null ? "" : " resourceVersion " + p.resourceVersion;
        if (!state.equals(lastLogged)) {
            lastLogged = state;
            if (state.startsWith("VPSie credentials read")) {
                LOG.info("{}{}", state, version);
            } else {
                LOG.error("{}; VPSie calls fail until it is fixed", state);
            }
        } else if (p != null && p.credentials != null) {
            LOG.info("VPSie credentials Secret {} changed;{} in use from the next call", where(), version);
        }
    }

    private String where() {
        return namespace + "/" + name;
    }

    private static String describe(Throwable e) {
        Throwable root = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public void close() {
        informer.close();
    }

    @Override
    public String toString() {
        return "SecretCredentialsSource[" + where() + "]";
    }
}
