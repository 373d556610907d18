package com.vpsie.autoscaler.provider.vpsie;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** Credentials handed in directly (tests, the demo); {@link #set} replaces them as a Secret rotation would. */
public final class StaticCredentialsSource implements VpsieCredentialsSource {

    private final AtomicReference<VpsieCredentials> credentials;

    public StaticCredentialsSource(VpsieCredentials credentials) {
        this.credentials = new AtomicReference<>(Objects.requireNonNull(credentials, "credentials"));
    }

    public void set(VpsieCredentials replacement) {
        credentials.set(Objects.requireNonNull(replacement, "credentials"));
    }

    @Override
    public VpsieCredentials current() {
        return credentials.get();
    }

    @Override
    public String toString() {
        return "StaticCredentialsSource[" + credentials.get() + "]";
    }
}
