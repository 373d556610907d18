package com.vpsie.autoscaler.metrics;

/** The answer of one health check: healthy, or not with a one-line reason a human can act on. */
public record HealthStatus(boolean ok, String reason) {

    private static final HealthStatus HEALTHY = new HealthStatus(true, "ok");
    // Probes and curl show the reason as the response body; keep it short and on one line.
    private static final int MAX_REASON = 512;

    public HealthStatus {
        reason = oneLine(reason == null || reason.isBlank() ? (ok ? "ok" : "unhealthy") : reason);
    }

    public static HealthStatus healthy() {
        return HEALTHY;
    }

    public static HealthStatus unhealthy(String reason) {
        return new HealthStatus(false, reason);
    }

    private static String oneLine(String text) {
        String flat = text.replace('\r', ' ').replace('\n', ' ').strip();
        return flat.length() <= MAX_REASON ? flat : flat.substring(0, MAX_REASON - 3) + "...";
    }
}
