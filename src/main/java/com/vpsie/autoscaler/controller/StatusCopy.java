package com.vpsie.autoscaler.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;

/** Deep copies of status objects: objects from informer caches are never modified in place. */
final class StatusCopy {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusCopy() {
    }

    static NodeGroupStatus of(NodeGroupStatus status) {
        return status == null ? new NodeGroupStatus() : MAPPER.convertValue(status, NodeGroupStatus.class);
    }
}
