package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.List;

final class ExpanderFixtures {

    static final long GI = 1024L * 1024 * 1024;

    private ExpanderFixtures() {
    }

    static NodeGroupInfo group(String name) {
        return new NodeGroupInfo("default", name, 0, 10, 0, List.of("off-1"), "off-1", false,
                null, null, true, null);
    }

    static List<PodInfo> pods(int n) {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(new PodInfo("default", "p" + i, null, null, null, null, 0, null, null, null, null, null,
                    null, null, null, null, null, null, true, null, 30, false));
        }
        return pods;
    }

    /** An option with explicit resources; cpu in cores, memory in GiB. */
    static ScaleUpOption option(String group, String offering, int nodes, int podCount,
                                double nodeCpu, double nodeMemGi, double reqCpu, double reqMemGi, double price) {
        return new ScaleUpOption(group(group), offering, nodes, pods(podCount),
                Resources.of(Math.round(nodeCpu * 1000), Math.round(nodeMemGi * GI)),
                Resources.of(Math.round(reqCpu * 1000), Math.round(reqMemGi * GI)), price);
    }

    /** A resource-neutral option, for expanders that look only at pods, price or name. */
    static ScaleUpOption simple(String group, String offering, int nodes, int podCount, double price) {
        return option(group, offering, nodes, podCount, 4, 8, 2, 4, price);
    }

    static List<String> groupNames(List<ScaleUpOption> options) {
        return options.stream().map(o -> o.groupName() + "/" + o.offeringId()).toList();
    }
}
