package com.vpsie.autoscaler.model;

/** A host port a container binds; hostIP empty or 0.0.0.0 means every address. */
public record HostPort(String protocol, String hostIp, int port) {

    public HostPort {
        protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
        hostIp = hostIp == null || hostIp.isEmpty() ? "0.0.0.0" : hostIp;
    }

    public boolean conflictsWith(HostPort other) {
        if (port != other.port || !protocol.equals(other.protocol)) {
            return false;
        }
        return hostIp.equals("0.0.0.0") || other.hostIp.equals("0.0.0.0") || hostIp.equals(other.hostIp);
    }
}
