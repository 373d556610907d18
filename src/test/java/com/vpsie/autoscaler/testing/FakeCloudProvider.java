package com.vpsie.autoscaler.testing;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cloud in memory that behaves like one: servers are PROVISIONING until {@code readyAfter} has passed
 * on the given clock, then RUNNING; calls can be made to fail; every create and delete is recorded so
 * tests can prove nothing was created twice or deleted twice. Thread-safe.
 */
public final class FakeCloudProvider implements CloudProvider {

    public static final String PREFIX = "fake://";

    private final Clock clock;
    private final Duration readyAfter;
    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final Map<String, String> serverByRequest = new ConcurrentHashMap<>();
    private final Map<String, List<Offering>> offerings = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final AtomicInteger listCalls = new AtomicInteger();
    private volatile ProviderException nextFailure;
    private volatile int failuresLeft;
    private ProviderException nextCreateFailure;

    private record Server(String id, String group, ProviderServer server) {
    }

    public FakeCloudProvider(Clock clock, Duration readyAfter) {
        this.clock = clock;
        this.readyAfter = readyAfter;
    }

    public FakeCloudProvider offerings(String datacenter, Offering... list) {
        offerings.put(datacenter, List.of(list));
        return this;
    }

    /** The next {@code times} calls fail with {@code failure}. */
    public void failNext(int times, ProviderException failure) {
        this.nextFailure = failure;
        this.failuresLeft = times;
    }

    /** The next create call fails with {@code failure}; other calls go through. */
    public synchronized void failNextCreate(ProviderException failure) {
        this.nextCreateFailure = failure;
    }

    private synchronized void maybeFailCreate() throws ProviderException {
        ProviderException failure = nextCreateFailure;
        nextCreateFailure = null;
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized void maybeFail() throws ProviderException {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw nextFailure;
        }
    }

    /** Adds a server as if created earlier (e.g. before a crash), for the given group. */
    public ProviderServer seed(String group, String hostname, String offering, Instant createdAt) {
        String id = "srv-" + sequence.incrementAndGet();
        ProviderServer s = new ProviderServer(id, hostname, PREFIX + id, offering, ProviderServer.State.RUNNING, createdAt,
                "10.0.0." + sequence.get());
        servers.put(id, new Server(id, group, s));
        return s;
    }

    @Override
    public List<ProviderServer> listServers(ProviderGroup group) throws ProviderException {
        listCalls.incrementAndGet();
        maybeFail();
        List<ProviderServer> out = new ArrayList<>();
        for (Server s : servers.values()) {
            if (s.group().equals(group.name())) {
                out.add(withState(s.server()));
            }
        }
        out.sort(java.util.Comparator.comparing(ProviderServer::id));
        return out;
    }

    private ProviderServer withState(ProviderServer s) {
        boolean up = !s.createdAt().plus(readyAfter).isAfter(clock.instant());
        return new ProviderServer(s.id(), s.hostname(), s.providerId(), s.offeringId(),
                up ? ProviderServer.State.RUNNING : ProviderServer.State.PROVISIONING, s.createdAt(), s.ipAddress());
    }

    @Override
    public ProviderServer createServer(ProviderGroup group, String offeringId, String requestId) throws ProviderException {
        maybeFail();
        maybeFailCreate();
        String existing = serverByRequest.get(requestId);
        if (existing != null && servers.containsKey(existing)) {
            return withState(servers.get(existing).server());
        }
        int n = sequence.incrementAndGet();
        String id = "srv-" + n;
        ProviderServer s = new ProviderServer(id, group.name() + "-" + n, PREFIX + id, offeringId,
                ProviderServer.State.PROVISIONING, clock.instant(), "10.0.0." + n);
        servers.put(id, new Server(id, group.name(), s));
        serverByRequest.put(requestId, id);
        log.add("create " + group.name() + " " + id);
        return s;
    }

    @Override
    public void deleteServer(ProviderGroup group, String serverId) throws ProviderException {
        maybeFail();
        if (servers.remove(serverId) != null) {
            log.add("delete " + group.name() + " " + serverId);
        }
    }

    @Override
    public List<Offering> listOfferings(String datacenterId) throws ProviderException {
        maybeFail();
        return offerings.getOrDefault(datacenterId, List.of());
    }

    @Override
    public String providerIdPrefix() {
        return PREFIX;
    }

    /** Every server now, by id. */
    public Map<String, ProviderServer> servers() {
        Map<String, ProviderServer> out = new LinkedHashMap<>();
        servers.values().forEach(s -> out.put(s.id(), withState(s.server())));
        return out;
    }

    public List<ProviderServer> serversOf(String group) {
        List<ProviderServer> out = new ArrayList<>();
        servers.values().stream().filter(s -> s.group().equals(group)).forEach(s -> out.add(withState(s.server())));
        return out;
    }

    /** "create group id" and "delete group id" lines, in order. */
    public Collection<String> log() {
        return List.copyOf(log);
    }

    public int listCalls() {
        return listCalls.get();
    }
}
