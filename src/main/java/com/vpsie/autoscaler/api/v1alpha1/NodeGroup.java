package com.vpsie.autoscaler.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A pool of VPSie servers of the same kind that join the cluster as nodes. Names match the Go VPSie
 * autoscaler's CRD (short names included) so its manifests and kubectl habits keep working.
 */
@Group(NodeGroup.GROUP)
@Version(NodeGroup.VERSION)
@Kind(NodeGroup.KIND)
@Plural("nodegroups")
@Singular("nodegroup")
@ShortNames({"ng", "ngs"})
// The Go CRD's columns. The generator writes them sorted by JSON path (Age, Max, Min, Current, Desired, Ready),
// whatever the order here; Age is a metadata path, hence class-level annotations rather than field ones.
@AdditionalPrinterColumn(name = "Min", jsonPath = ".spec.minNodes", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Max", jsonPath = ".spec.maxNodes", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desiredNodes", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Current", jsonPath = ".status.currentNodes", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyNodes", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Utilization%", jsonPath = ".status.utilizationPercent", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class NodeGroup extends CustomResource<NodeGroupSpec, NodeGroupStatus> implements Namespaced {

    public static final String GROUP = "autoscaler.vpsie.com";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "NodeGroup";
    public static final String API_VERSION = GROUP + "/" + VERSION;
}
