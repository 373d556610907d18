package com.vpsie.autoscaler.provider.vpsie;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a static API token (the Secret's {@code token} key) travels. VPSie's own clients disagree: its Go SDK
 * ({@code govpsie}, used by its Terraform provider and cloud-controller-manager) sends {@code Vpsie-Auth: <token>},
 * its Go autoscaler sends {@code Authorization: Bearer <token>}. No public API reference settles which the API
 * reads, so by default both go out and the token reaches it either way.
 */
public enum StaticTokenAuth {
    /** {@code Vpsie-Auth: <token>}, as the Go SDK sends it. */
    VPSIE_AUTH("vpsie-auth"),
    /** {@code Authorization: Bearer <token>}, as the Go autoscaler sends it. */
    BEARER("bearer"),
    /** Both headers on every request. */
    BOTH("both");

    public static final String BEARER_PREFIX = "Bearer ";

    private final String word;

    StaticTokenAuth(String word) {
        this.word = word;
    }

    /** The word the {@code --vpsie-token-auth} flag takes. */
    public String word() {
        return word;
    }

    /** The headers carrying {@code token}, in a stable order. */
    public Map<String, String> headers(String token) {
        Map<String, String> out = new LinkedHashMap<>();
        if (this != BEARER) {
            out.put(VpsieWire.STATIC_TOKEN_HEADER, token);
        }
        if (this != VPSIE_AUTH) {
            out.put(VpsieWire.AUTHORIZATION_HEADER, BEARER_PREFIX + token);
        }
        return out;
    }

    /** Reads the flag's word, case-insensitively; the message of a bad one lists the words it takes. */
    public static StaticTokenAuth parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (StaticTokenAuth a : values()) {
            if (a.word.equals(t)) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + words());
    }

    /** "vpsie-auth, bearer or both". */
    public static String words() {
        String all = Arrays.stream(values()).map(StaticTokenAuth::word).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
