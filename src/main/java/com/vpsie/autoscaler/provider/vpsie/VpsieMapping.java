package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.util.Locale;
import java.util.Set;

/** Translates VPSie wire DTOs into the provider model: servers and offerings. */
final class VpsieMapping {

    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024L * MIB;
    /** VPSie quotes monthly prices; hours in an average month. */
    private static final double HOURS_PER_MONTH = 730;

    private static final Set<String> RUNNING = Set.of("running", "active", "online", "ready", "up", "started");
    private static final Set<String> DELETING = Set.of("deleting", "terminating", "removing", "destroying", "deleted");
    private static final Set<String> FAILED = Set.of("failed", "error", "errored", "suspended", "broken");

    private final String providerIdPrefix;
    private final int podsPerNode;

    VpsieMapping(String providerIdPrefix, int podsPerNode) {
        this.providerIdPrefix = providerIdPrefix;
        this.podsPerNode = podsPerNode;
    }

    /** The identifier VPSie deletes a worker by: its UUID, else its numeric id. */
    static String serverId(VpsieWire.ClusterNodeDto node) {
        if (node.identifier() != null && !node.identifier().isBlank()) {
            return node.identifier();
        }
        return node.id() == null ? null : Long.toString(node.id());
    }

    /**
     * @param fallbackOffering offering to report when the node does not carry its size
     * @param stateWhenUnknown state when the node has no status (a just-created server is still provisioning;
     *     a listed one without status exists, and whether it joined is the Node's business)
     */
    ProviderServer server(VpsieWire.ClusterNodeDto node, String fallbackOffering, ProviderServer.State stateWhenUnknown) {
        String id = serverId(node);
        String offering = node.boxsizeId() != null && !node.boxsizeId().isBlank() ? node.boxsizeId() : fallbackOffering;
        return new ProviderServer(id, node.hostname(), providerIdPrefix + id, offering, state(node.status(), stateWhenUnknown),
                VpsieWire.parseTimestamp(node.createdOn()), node.address());
    }

    /** Status words as VPSie and similar APIs use them; an unknown word counts as not yet running. */
    static ProviderServer.State state(String status, ProviderServer.State whenAbsent) {
        if (status == null || status.isBlank()) {
            return whenAbsent;
        }
        String s = status.trim().toLowerCase(Locale.ROOT);
        if (RUNNING.contains(s)) {
            return ProviderServer.State.RUNNING;
        }
        if (DELETING.contains(s)) {
            return ProviderServer.State.DELETING;
        }
        if (FAILED.contains(s)) {
            return ProviderServer.State.FAILED;
        }
        return ProviderServer.State.PROVISIONING;
    }

    /** cpu cores and ram MB become millicores and bytes; disk GB becomes ephemeral storage. */
    Offering offering(VpsieWire.OfferDto offer) {
        long cpuMillis = offer.cpu() == null ? 0 : offer.cpu() * 1000L;
        long memory = offer.ram() == null ? 0 : offer.ram() * MIB;
        long disk = offer.disk() == null ? 0 : offer.disk() * GIB;
        double perHour;
        if (offer.hourlyPrice() != null && offer.hourlyPrice() > 0) {
            perHour = offer.hourlyPrice();
        } else if (offer.price() != null && offer.price() > 0) {
            perHour = offer.price() / HOURS_PER_MONTH;
        } else {
            perHour = Double.NaN;
        }
        return new Offering(offer.id(), new Resources(cpuMillis, memory, disk, podsPerNode), perHour);
    }
}
