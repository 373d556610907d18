package com.vpsie.autoscaler.provider.vpsie;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the VPSie client and provider. Holds no credential: those come from a
 * {@link VpsieCredentialsSource}. Defaults follow the Go VPSie autoscaler where it has one.
 *
 * @param baseUrl API base; a Secret's {@code url} key overrides it
 * @param allowPlainHttp permit {@code http://} bases (simulator, tests); otherwise credentials only travel over TLS
 * @param paths path templates relative to the base
 * @param staticTokenAuth which header(s) carry a static token
 * @param secretNamespace namespace of the credentials Secret
 * @param secretName name of the credentials Secret
 * @param connectTimeout TCP connect deadline of one HTTP exchange
 * @param readTimeout deadline between bytes of a reply
 * @param writeTimeout deadline between bytes of a request
 * @param callTimeout deadline of one whole HTTP exchange
 * @param operationTimeout deadline of one API operation including retries, back-off and rate-limit waits
 * @param maxAttempts tries per operation (1 = no retry)
 * @param retryInitialBackoff first retry delay; doubles up to {@code retryMaxBackoff}
 * @param retryJitter fraction of each delay added at random (0..1)
 * @param maxRetryAfter cap on a server's Retry-After
 * @param rateLimitPerMinute requests per minute the client allows itself
 * @param rateLimitMaxWait longest wait for a rate-limit permit before the call fails
 * @param circuitFailureThreshold consecutive failures of an endpoint family that open its breaker
 * @param circuitOpenDelay how long an open breaker rejects calls before letting one through
 * @param circuitSuccessThreshold successes in half-open state that close the breaker
 * @param maxConcurrentCreates server creations allowed in flight at once (bulkhead)
 * @param createQueueWait longest wait for a creation slot
 * @param tokenRefreshBefore refresh a bearer token this long before it expires
 * @param defaultTokenLifetime token lifetime assumed when the reply has no readable expiry
 * @param offeringsTtl how long listed offerings are reused
 * @param clusterListingTtl how long one listing of a cluster's servers is shared by its NodeGroups (our own
 *     creates and deletes end it sooner); the run command sets it to the scan interval
 * @param providerIdPrefix {@code spec.providerID} prefix of VPSie nodes
 * @param createSettleTime after a create whose outcome is unknown and whose server is not listed, how long to
 *     keep looking before trying again
 * @param createRequestRetention how long answers to create requests are remembered for retries
 * @param podsPerNode pod slots assumed for an offering
 * @param terminalMessages API messages (lower case substrings) that mean "will not succeed on retry"
 * @param userAgent User-Agent header
 * @param maxResponseBytes replies larger than this are rejected
 */
public record VpsieConfig(
        String baseUrl,
        boolean allowPlainHttp,
        VpsieWire.Paths paths,
        StaticTokenAuth staticTokenAuth,
        String secretNamespace,
        String secretName,
        Duration connectTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        Duration callTimeout,
        Duration operationTimeout,
        int maxAttempts,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        double retryJitter,
        Duration maxRetryAfter,
        int rateLimitPerMinute,
        Duration rateLimitMaxWait,
        int circuitFailureThreshold,
        Duration circuitOpenDelay,
        int circuitSuccessThreshold,
        int maxConcurrentCreates,
        Duration createQueueWait,
        Duration tokenRefreshBefore,
        Duration defaultTokenLifetime,
        Duration offeringsTtl,
        Duration clusterListingTtl,
        String providerIdPrefix,
        Duration createSettleTime,
        Duration createRequestRetention,
        int podsPerNode,
        List<String> terminalMessages,
        String userAgent,
        long maxResponseBytes) {

    public static final String DEFAULT_BASE_URL = "https://api.vpsie.com/v2";
    public static final String DEFAULT_SECRET_NAMESPACE = "kube-system";
    public static final String DEFAULT_SECRET_NAME = "vpsie-secret";
    public static final String DEFAULT_PROVIDER_ID_PREFIX = "vpsie://";
    /** From the reference: messages that mean a retry will fail the same way. */
    public static final List<String> DEFAULT_TERMINAL_MESSAGES = List.of(
            "exceeds the allowed limit", "quota exceeded", "plan does not allow", "maximum number of", "limit reached");

    public VpsieConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        URI uri = URI.create(baseUrl);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL: " + baseUrl);
        }
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(staticTokenAuth, "staticTokenAuth");
        requireText(secretNamespace, "secretNamespace");
        requireText(secretName, "secretName");
        positive(connectTimeout, "connectTimeout");
        positive(readTimeout, "readTimeout");
        positive(writeTimeout, "writeTimeout");
        positive(callTimeout, "callTimeout");
        positive(operationTimeout, "operationTimeout");
        atLeast(maxAttempts, 1, "maxAttempts");
        notNegative(retryInitialBackoff, "retryInitialBackoff");
        notNegative(retryMaxBackoff, "retryMaxBackoff");
        if (retryJitter < 0 || retryJitter > 1) {
            throw new IllegalArgumentException("retryJitter must be within 0..1, got " + retryJitter);
        }
        notNegative(maxRetryAfter, "maxRetryAfter");
        atLeast(rateLimitPerMinute, 1, "rateLimitPerMinute");
        notNegative(rateLimitMaxWait, "rateLimitMaxWait");
        atLeast(circuitFailureThreshold, 1, "circuitFailureThreshold");
        positive(circuitOpenDelay, "circuitOpenDelay");
        atLeast(circuitSuccessThreshold, 1, "circuitSuccessThreshold");
        atLeast(maxConcurrentCreates, 1, "maxConcurrentCreates");
        notNegative(createQueueWait, "createQueueWait");
        notNegative(tokenRefreshBefore, "tokenRefreshBefore");
        positive(defaultTokenLifetime, "defaultTokenLifetime");
        notNegative(offeringsTtl, "offeringsTtl");
        notNegative(clusterListingTtl, "clusterListingTtl");
        requireText(providerIdPrefix, "providerIdPrefix");
        notNegative(createSettleTime, "createSettleTime");
        positive(createRequestRetention, "createRequestRetention");
        atLeast(podsPerNode, 1, "podsPerNode");
        terminalMessages = terminalMessages == null ? List.of()
                : terminalMessages.stream().map(m -> m.toLowerCase(java.util.Locale.ROOT)).toList();
        requireText(userAgent, "userAgent");
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be at least 1024, got " + maxResponseBytes);
        }
    }

    public static VpsieConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    private static void notNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }

    private static void atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    /** Builder starting from the defaults. */
    public static final class Builder {
        private String baseUrl = DEFAULT_BASE_URL;
        private boolean allowPlainHttp;
        private VpsieWire.Paths paths = VpsieWire.Paths.defaults();
        private StaticTokenAuth staticTokenAuth = StaticTokenAuth.BOTH;
        private String secretNamespace = DEFAULT_SECRET_NAMESPACE;
        private String secretName = DEFAULT_SECRET_NAME;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(20);
        private Duration writeTimeout = Duration.ofSeconds(20);
        private Duration callTimeout = Duration.ofSeconds(30);
        private Duration operationTimeout = Duration.ofSeconds(60);
        private int maxAttempts = 3;
        private Duration retryInitialBackoff = Duration.ofMillis(100);
        private Duration retryMaxBackoff = Duration.ofSeconds(30);
        private double retryJitter = 0.2;
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private int rateLimitPerMinute = 100;
        private Duration rateLimitMaxWait = Duration.ofSeconds(10);
        private int circuitFailureThreshold = 5;
        private Duration circuitOpenDelay = Duration.ofSeconds(30);
        private int circuitSuccessThreshold = 1;
        // as many as the NodeGroup reconciler sends at once (AddCallWaves), so none of its calls waits for a slot
        private int maxConcurrentCreates = 8;
        private Duration createQueueWait = Duration.ofSeconds(10);
        private Duration tokenRefreshBefore = Duration.ofMinutes(5);
        private Duration defaultTokenLifetime = Duration.ofHours(1);
        private Duration offeringsTtl = Duration.ofMinutes(10);
        private Duration clusterListingTtl = Duration.ofSeconds(10);
        private String providerIdPrefix = DEFAULT_PROVIDER_ID_PREFIX;
        private Duration createSettleTime = Duration.ofSeconds(60);
        private Duration createRequestRetention = Duration.ofHours(1);
        private int podsPerNode = 110;
        private List<String> terminalMessages = DEFAULT_TERMINAL_MESSAGES;
        private String userAgent = "vpsie-autoscaler";
        private long maxResponseBytes = 10L * 1024 * 1024;

        private Builder() {
        }

        private Builder(VpsieConfig c) {
            baseUrl = c.baseUrl;
            allowPlainHttp = c.allowPlainHttp;
            paths = c.paths;
            staticTokenAuth = c.staticTokenAuth;
            secretNamespace = c.secretNamespace;
            secretName = c.secretName;
            connectTimeout = c.connectTimeout;
            readTimeout = c.readTimeout;
            writeTimeout = c.writeTimeout;
            callTimeout = c.callTimeout;
            operationTimeout = c.operationTimeout;
            maxAttempts = c.maxAttempts;
            retryInitialBackoff = c.retryInitialBackoff;
            retryMaxBackoff = c.retryMaxBackoff;
            retryJitter = c.retryJitter;
            maxRetryAfter = c.maxRetryAfter;
            rateLimitPerMinute = c.rateLimitPerMinute;
            rateLimitMaxWait = c.rateLimitMaxWait;
            circuitFailureThreshold = c.circuitFailureThreshold;
            circuitOpenDelay = c.circuitOpenDelay;
            circuitSuccessThreshold = c.circuitSuccessThreshold;
            maxConcurrentCreates = c.maxConcurrentCreates;
            createQueueWait = c.createQueueWait;
            tokenRefreshBefore = c.tokenRefreshBefore;
            defaultTokenLifetime = c.defaultTokenLifetime;
            offeringsTtl = c.offeringsTtl;
            clusterListingTtl = c.clusterListingTtl;
            providerIdPrefix = c.providerIdPrefix;
            createSettleTime = c.createSettleTime;
            createRequestRetention = c.createRequestRetention;
            podsPerNode = c.podsPerNode;
            terminalMessages = c.terminalMessages;
            userAgent = c.userAgent;
            maxResponseBytes = c.maxResponseBytes;
        }

        public Builder baseUrl(String v) {
            baseUrl = v;
            return this;
        }

        public Builder allowPlainHttp(boolean v) {
            allowPlainHttp = v;
            return this;
        }

        public Builder paths(VpsieWire.Paths v) {
            paths = v;
            return this;
        }

        public Builder staticTokenAuth(StaticTokenAuth v) {
            staticTokenAuth = v;
            return this;
        }

        public Builder secret(String namespace, String name) {
            secretNamespace = namespace;
            secretName = name;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder readTimeout(Duration v) {
            readTimeout = v;
            return this;
        }

        public Builder writeTimeout(Duration v) {
            writeTimeout = v;
            return this;
        }

        public Builder callTimeout(Duration v) {
            callTimeout = v;
            return this;
        }

        public Builder operationTimeout(Duration v) {
            operationTimeout = v;
            return this;
        }

        public Builder maxAttempts(int v) {
            maxAttempts = v;
            return this;
        }

        public Builder retryBackoff(Duration initial, Duration max) {
            retryInitialBackoff = initial;
            retryMaxBackoff = max;
            return this;
        }

        public Builder retryJitter(double v) {
            retryJitter = v;
            return this;
        }

        public Builder maxRetryAfter(Duration v) {
            maxRetryAfter = v;
            return this;
        }

        public Builder rateLimit(int perMinute, Duration maxWait) {
            rateLimitPerMinute = perMinute;
            rateLimitMaxWait = maxWait;
            return this;
        }

        public Builder circuitBreaker(int failureThreshold, Duration openDelay, int successThreshold) {
            circuitFailureThreshold = failureThreshold;
            circuitOpenDelay = openDelay;
            circuitSuccessThreshold = successThreshold;
            return this;
        }

        public Builder createBulkhead(int maxConcurrent, Duration queueWait) {
            maxConcurrentCreates = maxConcurrent;
            createQueueWait = queueWait;
            return this;
        }

        public Builder tokenRefreshBefore(Duration v) {
            tokenRefreshBefore = v;
            return this;
        }

        public Builder defaultTokenLifetime(Duration v) {
            defaultTokenLifetime = v;
            return this;
        }

        public Builder offeringsTtl(Duration v) {
            offeringsTtl = v;
            return this;
        }

        public Builder clusterListingTtl(Duration v) {
            clusterListingTtl = v;
            return this;
        }

        public Builder providerIdPrefix(String v) {
            providerIdPrefix = v;
            return this;
        }

        public Builder createSettleTime(Duration v) {
            createSettleTime = v;
            return this;
        }

        public Builder createRequestRetention(Duration v) {
            createRequestRetention = v;
            return this;
        }

        public Builder podsPerNode(int v) {
            podsPerNode = v;
            return this;
        }

        public Builder terminalMessages(List<String> v) {
            terminalMessages = v;
            return this;
        }

        public Builder userAgent(String v) {
            userAgent = v;
            return this;
        }

        public Builder maxResponseBytes(long v) {
            maxResponseBytes = v;
            return this;
        }

        public VpsieConfig build() {
            return new VpsieConfig(baseUrl, allowPlainHttp, paths, staticTokenAuth, secretNamespace, secretName,
                    connectTimeout, readTimeout, writeTimeout, callTimeout, operationTimeout, maxAttempts,
                    retryInitialBackoff, retryMaxBackoff, retryJitter, maxRetryAfter, rateLimitPerMinute,
                    rateLimitMaxWait, circuitFailureThreshold, circuitOpenDelay, circuitSuccessThreshold,
                    maxConcurrentCreates, createQueueWait, tokenRefreshBefore, defaultTokenLifetime, offeringsTtl,
                    clusterListingTtl, providerIdPrefix, createSettleTime, createRequestRetention, podsPerNode, terminalMessages,
                    userAgent, maxResponseBytes);
        }
    }
}
