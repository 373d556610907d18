package com.vpsie.autoscaler.e2e;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** NodeGroups for the end-to-end tests: the fields the CRD requires, nothing else. */
final class E2eGroups {

    private E2eGroups() {
    }

    static NodeGroup group(String namespace, String name, Integer minNodes, Integer maxNodes) {
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(minNodes);
        spec.setMaxNodes(maxNodes);
        spec.setDatacenterID("us-ny-1");
        spec.setOfferingIDs(List.of("vps-2c-4g"));
        NodeGroup group = new NodeGroup();
        group.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        group.setSpec(spec);
        return group;
    }
}
