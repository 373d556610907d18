package com.vpsie.autoscaler.provider.vpsie;

import java.util.Objects;
import java.util.Optional;

/**
 * What authenticates us to VPSie: a client id and secret exchanged for bearer tokens, or a static access
 * token. Optionally carries an API base URL (the Secret's {@code url} key). {@link #toString()} never shows a
 * value, so the object is safe to log or put in a message by accident.
 */
public final class VpsieCredentials {

    /** How requests are authenticated. */
    public enum Mode { CLIENT_CREDENTIALS, STATIC_TOKEN }

    private final Mode mode;
    private final String clientId;
    private final String clientSecret;
    private final String token;
    private final String url;

    private VpsieCredentials(Mode mode, String clientId, String clientSecret, String token, String url) {
        this.mode = mode;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.token = token;
        this.url = url == null || url.isBlank() ? null : url.trim();
    }

    public static VpsieCredentials clientCredentials(String clientId, String clientSecret, String url) {
        requireText(clientId, "clientId");
        requireText(clientSecret, "clientSecret");
        return new VpsieCredentials(Mode.CLIENT_CREDENTIALS, clientId, clientSecret, null, url);
    }

    public static VpsieCredentials staticToken(String token, String url) {
        requireText(token, "token");
        return new VpsieCredentials(Mode.STATIC_TOKEN, null, null, token, url);
    }

    private static void requireText(String value, String name) {
        // The message names the field only: the value is the secret.
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    public Mode mode() {
        return mode;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    public String token() {
        return token;
    }

    /** API base URL from the credentials' source, overriding the configured one. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** Every secret value in here, for scrubbing text that might echo one back. */
    String[] secretValues() {
        return mode == Mode.STATIC_TOKEN ? new String[] {token} : new String[] {clientId, clientSecret};
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VpsieCredentials other)) {
            return false;
        }
        return mode == other.mode && Objects.equals(clientId, other.clientId)
                && Objects.equals(clientSecret, other.clientSecret) && Objects.equals(token, other.token)
                && Objects.equals(url, other.url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, clientId, clientSecret, token, url);
    }

    @Override
    public String toString() {
        return "VpsieCredentials[mode=" + mode + ", values=<redacted>" + (url == null ? "" : ", url=set") + "]";
    }
}
