package com.vpsie.autoscaler.scheduling;

import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.SelectorOperator;
import com.vpsie.autoscaler.model.SelectorRequirement;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.TopologySpreadConstraint;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.testing.NodeBuilder;
import com.vpsie.autoscaler.testing.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PredicatesTest {

    private final SimulatedCluster cluster = new SimulatedCluster();

    private SimNode add(NodeBuilder b) {
        return cluster.addRegisteredNode(b.build(), NodeRole.READY);
    }

    private SimNode add(NodeBuilder b, NodeRole role) {
        return cluster.addRegisteredNode(b.build(), role);
    }

    private void place(PodBuilder p, SimNode n) {
        cluster.place(p.on(n.name()).build(), n);
    }

    private Unfit check(PodBuilder p, SimNode n) {
        return Predicates.check(p.build(), n, cluster);
    }

    private static SelectorRequirement req(String key, SelectorOperator op, String... values) {
        return new SelectorRequirement(key, op, List.of(values));
    }

    private static PodAffinityTerm hostnameTerm(String app) {
        return new PodAffinityTerm(LabelSelector.of(Map.of("app", app)), Set.of(), false, WellKnown.HOSTNAME_LABEL);
    }

    @Nested
    class Resources {
        @Test
        void fitsExactlyTheFreeRoomAndNotOneMillicoreMore() {
            SimNode n = add(node("n1").cpu("2").memory("4Gi"));
            place(pod("a").cpu("1500m").memory("1Gi"), n);
            assertThat(check(pod("b").cpu("500m").memory("3Gi"), n)).isNull();
            assertThat(check(pod("b").cpu("501m"), n)).isEqualTo(Unfit.INSUFFICIENT_CPU);
            assertThat(check(pod("b").memory("3073Mi"), n)).isEqualTo(Unfit.INSUFFICIENT_MEMORY);
        }

        @Test
        void ephemeralStorageIsCheckedOnlyWhenRequestedAndReported() {
            SimNode n = add(node("n1").ephemeral("10Gi"));
            assertThat(check(pod("a").ephemeral("11Gi"), n)).isEqualTo(Unfit.INSUFFICIENT_EPHEMERAL_STORAGE);
            assertThat(check(pod("a").ephemeral("10Gi"), n)).isNull();
            assertThat(check(pod("a").ephemeral("1Ti"), add(node("unreported").ephemeral("0")))).isNull();
        }

        @Test
        void podCountIsLimitedByAllocatablePods() {
            SimNode n = add(node("n1").maxPods(2));
            place(pod("a"), n);
            assertThat(check(pod("b"), n)).isNull();
            place(pod("b"), n);
            assertThat(check(pod("c"), n)).isEqualTo(Unfit.TOO_MANY_PODS);
        }

        @Test
        void zeroRequestPodsStillNeedAPodSlotOnly() {
            SimNode n = add(node("n1").cpu("1"));
            place(pod("a").cpu("1"), n);
            assertThat(check(pod("b"), n)).isNull();
        }
    }

    @Nested
    class NodeSelection {
        @Test
        void nodeSelectorMustMatchEveryLabel() {
            SimNode n = add(node("n1").label("disk", "ssd").label("zone", "a"));
            assertThat(check(pod("a").nodeSelector("disk", "ssd"), n)).isNull();
            assertThat(check(pod("a").nodeSelector("disk", "ssd").nodeSelector("zone", "b"), n))
                    .isEqualTo(Unfit.NODE_SELECTOR);
        }

        @Test
        void requiredAffinityOperators() {
            SimNode n = add(node("n1").label("tier", "gold").label("cores", "8"));
            assertThat(check(pod("a").nodeAffinity(term(req("tier", SelectorOperator.IN, "gold", "silver"))), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(term(req("tier", SelectorOperator.IN, "silver"))), n))
                    .isEqualTo(Unfit.NODE_SELECTOR);
            assertThat(check(pod("a").nodeAffinity(term(req("tier", SelectorOperator.NOT_IN, "gold"))), n))
                    .isEqualTo(Unfit.NODE_SELECTOR);
            assertThat(check(pod("a").nodeAffinity(term(req("tier", SelectorOperator.NOT_IN, "bronze"))), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(term(req("gpu", SelectorOperator.EXISTS))), n))
                    .isEqualTo(Unfit.NODE_SELECTOR);
            assertThat(check(pod("a").nodeAffinity(term(req("gpu", SelectorOperator.DOES_NOT_EXIST))), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(term(req("cores", SelectorOperator.GT, "4"))), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(term(req("cores", SelectorOperator.GT, "8"))), n))
                    .isEqualTo(Unfit.NODE_SELECTOR);
            assertThat(check(pod("a").nodeAffinity(term(req("cores", SelectorOperator.LT, "16"))), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(term(req("cores", SelectorOperator.LT, "8"))), n))
                    .isEqualTo(Unfit.NODE_SELECTOR);
        }

        @Test
        void termsAreOredAndExpressionsWithinATermAreAnded() {
            SimNode n = add(node("n1").label("tier", "gold"));
            NodeSelectorTerm wrong = term(req("tier", SelectorOperator.IN, "silver"));
            NodeSelectorTerm right = term(req("tier", SelectorOperator.IN, "gold"));
            NodeSelectorTerm half = new NodeSelectorTerm(List.of(req("tier", SelectorOperator.IN, "gold"),
                    req("gpu", SelectorOperator.EXISTS)), List.of());
            assertThat(check(pod("a").nodeAffinity(wrong, right), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(half), n)).isEqualTo(Unfit.NODE_SELECTOR);
        }

        @Test
        void matchFieldsSelectsByNodeName() {
            SimNode n = add(node("n1"));
            NodeSelectorTerm byName = new NodeSelectorTerm(List.of(),
                    List.of(req("metadata.name", SelectorOperator.IN, "n1")));
            NodeSelectorTerm other = new NodeSelectorTerm(List.of(),
                    List.of(req("metadata.name", SelectorOperator.IN, "n2")));
            assertThat(check(pod("a").nodeAffinity(byName), n)).isNull();
            assertThat(check(pod("a").nodeAffinity(other), n)).isEqualTo(Unfit.NODE_SELECTOR);
        }

        private NodeSelectorTerm term(SelectorRequirement r) {
            return new NodeSelectorTerm(List.of(r), List.of());
        }
    }

    @Nested
    class Taints {
        @Test
        void noScheduleAndNoExecuteTaintsNeedATolerationPreferNoScheduleDoesNot() {
            SimNode hard = add(node("n1").taint("gpu", "true", TaintEffect.NO_SCHEDULE));
            SimNode exec = add(node("n2").taint("maint", "", TaintEffect.NO_EXECUTE));
            SimNode soft = add(node("n3").taint("spot", "", TaintEffect.PREFER_NO_SCHEDULE));
            assertThat(check(pod("a"), hard)).isEqualTo(Unfit.TAINT);
            assertThat(check(pod("a"), exec)).isEqualTo(Unfit.TAINT);
            assertThat(check(pod("a"), soft)).isNull();
        }

        @Test
        void tolerationOperators() {
            SimNode n = add(node("n1").taint("gpu", "true", TaintEffect.NO_SCHEDULE));
            assertThat(check(pod("a").tolerate(new Toleration("gpu", Toleration.Operator.EQUAL, "true",
                    TaintEffect.NO_SCHEDULE)), n)).isNull();
            assertThat(check(pod("a").tolerate(new Toleration("gpu", Toleration.Operator.EQUAL, "false",
                    TaintEffect.NO_SCHEDULE)), n)).isEqualTo(Unfit.TAINT);
            assertThat(check(pod("a").tolerate(new Toleration("gpu", Toleration.Operator.EXISTS, null, null)), n))
                    .isNull();
            assertThat(check(pod("a").tolerate(new Toleration("gpu", Toleration.Operator.EXISTS, null,
                    TaintEffect.NO_EXECUTE)), n)).isEqualTo(Unfit.TAINT);
            assertThat(check(pod("a").tolerate(new Toleration(null, Toleration.Operator.EXISTS, null, null)), n))
                    .isNull();
        }

        @Test
        void bootingNodesIgnoreStartupTaintsReadyOnesDoNot() {
            SimNode booting = add(node("n1").notReady().taint("node.kubernetes.io/not-ready", "",
                    TaintEffect.NO_SCHEDULE), NodeRole.BOOTING);
            SimNode ready = add(node("n2").taint("node.cloudprovider.kubernetes.io/uninitialized", "true",
                    TaintEffect.NO_SCHEDULE));
            assertThat(check(pod("a"), booting)).isNull();
            assertThat(check(pod("a"), ready)).isEqualTo(Unfit.TAINT);
        }
    }

    @Nested
    class NodeState {
        @Test
        void brokenCordonedAndMarkedNodesTakeNoPods() {
            assertThat(check(pod("a"), add(node("n1").notReady(), NodeRole.BROKEN))).isEqualTo(Unfit.NODE_NOT_READY);
            assertThat(check(pod("a"), add(node("n2").cordoned()))).isEqualTo(Unfit.NODE_UNSCHEDULABLE);
            assertThat(check(pod("a"), add(node("n3").taint(WellKnown.TO_BE_DELETED_TAINT, "1700000000",
                    TaintEffect.NO_SCHEDULE)))).isEqualTo(Unfit.NODE_BEING_DELETED);
            // even a pod that tolerates everything must not land on a node being deleted
            assertThat(check(pod("a").tolerate(new Toleration(null, Toleration.Operator.EXISTS, null, null)),
                    add(node("n4").taint(WellKnown.TO_BE_DELETED_TAINT, "1", TaintEffect.NO_SCHEDULE))))
                    .isEqualTo(Unfit.NODE_BEING_DELETED);
        }

        @Test
        void aPodToleratingTheUnschedulableTaintMayUseACordonedNode() {
            SimNode n = add(node("n1").cordoned());
            assertThat(check(pod("a").tolerate(new Toleration("node.kubernetes.io/unschedulable",
                    Toleration.Operator.EXISTS, null, TaintEffect.NO_SCHEDULE)), n)).isNull();
        }

        @Test
        void removedNodesTakeNoPods() {
            SimNode n = add(node("n1"));
            cluster.setRemoved(n, true);
            assertThat(check(pod("a"), n)).isEqualTo(Unfit.NODE_BEING_DELETED);
        }
    }

    @Nested
    class HostPorts {
        @Test
        void samePortAndProtocolConflict() {
            SimNode n = add(node("n1"));
            place(pod("a").hostPort(8080), n);
            assertThat(check(pod("b").hostPort(8080), n)).isEqualTo(Unfit.HOST_PORT);
            assertThat(check(pod("b").hostPort(8081), n)).isNull();
        }

        @Test
        void differentProtocolsOrSpecificAddressesDoNotConflict() {
            assertThat(new HostPort("TCP", null, 53).conflictsWith(new HostPort("UDP", null, 53))).isFalse();
            assertThat(new HostPort("TCP", "10.0.0.1", 80).conflictsWith(new HostPort("TCP", "10.0.0.2", 80))).isFalse();
            assertThat(new HostPort("TCP", "10.0.0.1", 80).conflictsWith(new HostPort("TCP", "0.0.0.0", 80))).isTrue();
        }

        @Test
        void freedPortsCanBeReused() {
            SimNode n = add(node("n1"));
            PodInfo a = pod("a").hostPort(8080).on("n1").build();
            cluster.place(a, n);
            cluster.unplace(a, n);
            assertThat(check(pod("b").hostPort(8080), n)).isNull();
        }
    }

    @Nested
    class InterPod {
        @Test
        void antiAffinityOnHostnameKeepsReplicasApart() {
            SimNode n1 = add(node("n1"));
            SimNode n2 = add(node("n2"));
            place(pod("web-1").label("app", "web"), n1);
            PodBuilder web2 = pod("web-2").label("app", "web").antiAffinity(hostnameTerm("web"));
            assertThat(check(web2, n1)).isEqualTo(Unfit.POD_ANTI_AFFINITY);
            assertThat(check(web2, n2)).isNull();
        }

        @Test
        void existingPodsAntiAffinityIsRespectedBySymmetry() {
            SimNode n1 = add(node("n1"));
            place(pod("db-1").label("app", "db").antiAffinity(hostnameTerm("cache")), n1);
            assertThat(check(pod("cache-1").label("app", "cache"), n1)).isEqualTo(Unfit.EXISTING_POD_ANTI_AFFINITY);
            assertThat(check(pod("web-1").label("app", "web"), n1)).isNull();
        }

        @Test
        void antiAffinityOnlySelectsPodsOfTheNamespacesItNames() {
            SimNode n1 = add(node("n1"));
            place(pod("other/web-1").label("app", "web"), n1);
            assertThat(check(pod("default/web-2").label("app", "web").antiAffinity(hostnameTerm("web")), n1)).isNull();
            PodAffinityTerm allNs = new PodAffinityTerm(LabelSelector.of(Map.of("app", "web")), Set.of(), true,
                    WellKnown.HOSTNAME_LABEL);
            assertThat(check(pod("default/web-2").label("app", "web").antiAffinity(allNs), n1))
                    .isEqualTo(Unfit.POD_ANTI_AFFINITY);
        }

        @Test
        void affinityNeedsAMatchingPodInTheDomain() {
            SimNode n1 = add(node("n1"));
            SimNode n2 = add(node("n2"));
            place(pod("cache-1").label("app", "cache"), n1);
            PodBuilder web = pod("web-1").label("app", "web").affinity(hostnameTerm("cache"));
            assertThat(check(web, n1)).isNull();
            assertThat(check(web, n2)).isEqualTo(Unfit.POD_AFFINITY);
        }

        @Test
        void theFirstPodOfASelfSelectingAffinityGroupMayGoAnywhere() {
            SimNode n1 = add(node("n1"));
            assertThat(check(pod("web-1").label("app", "web").affinity(hostnameTerm("web")), n1)).isNull();
            // but not when the term selects some other app that does not exist yet
            assertThat(check(pod("web-1").label("app", "web").affinity(hostnameTerm("cache")), n1))
                    .isEqualTo(Unfit.POD_AFFINITY);
        }

        @Test
        void affinityOnAZoneKeyCountsEveryNodeOfTheZone() {
            SimNode a1 = add(node("a1").label("zone", "a"));
            SimNode a2 = add(node("a2").label("zone", "a"));
            SimNode b1 = add(node("b1").label("zone", "b"));
            place(pod("cache-1").label("app", "cache"), a1);
            PodAffinityTerm sameZone = new PodAffinityTerm(LabelSelector.of(Map.of("app", "cache")), Set.of(), false,
                    "zone");
            assertThat(check(pod("web").affinity(sameZone), a2)).isNull();
            assertThat(check(pod("web").affinity(sameZone), b1)).isEqualTo(Unfit.POD_AFFINITY);
            assertThat(check(pod("web").antiAffinity(sameZone), a2)).isEqualTo(Unfit.POD_ANTI_AFFINITY);
            assertThat(check(pod("web").antiAffinity(sameZone), b1)).isNull();
        }

        @Test
        void topologySpreadOnHostnameLimitsSkew() {
            SimNode n1 = add(node("n1"));
            SimNode n2 = add(node("n2"));
            place(pod("web-1").label("app", "web"), n1);
            TopologySpreadConstraint spread = new TopologySpreadConstraint(1, WellKnown.HOSTNAME_LABEL,
                    LabelSelector.of(Map.of("app", "web")));
            PodBuilder web2 = pod("web-2").label("app", "web").spread(spread);
            assertThat(check(web2, n1)).isEqualTo(Unfit.TOPOLOGY_SPREAD);
            assertThat(check(web2, n2)).isNull();
        }

        @Test
        void topologySpreadIgnoresNodesThePodCannotSelect() {
            SimNode n1 = add(node("n1").label("pool", "a"));
            add(node("n2").label("pool", "b"));
            place(pod("web-1").label("app", "web"), n1);
            TopologySpreadConstraint spread = new TopologySpreadConstraint(1, WellKnown.HOSTNAME_LABEL,
                    LabelSelector.of(Map.of("app", "web")));
            // n2 is not a domain for a pod pinned to pool a, so n1 with one pod is the minimum and skew is 1
            assertThat(check(pod("web-2").label("app", "web").nodeSelector("pool", "a").spread(spread), n1)).isNull();
        }

        @Test
        void removedNodesDoNotCountForAffinity() {
            SimNode n1 = add(node("n1"));
            SimNode n2 = add(node("n2").label("zone", "a"));
            add(node("n3").label("zone", "a"));
            place(pod("db").label("app", "db").antiAffinity(new PodAffinityTerm(LabelSelector.of(Map.of("app", "web")),
                    Set.of(), false, "zone")), n2);
            assertThat(check(pod("web").label("app", "web"), cluster.node("n3")))
                    .isEqualTo(Unfit.EXISTING_POD_ANTI_AFFINITY);
            cluster.setRemoved(n2, true);
            assertThat(check(pod("web").label("app", "web"), cluster.node("n3"))).isNull();
            assertThat(n1).isNotNull();
        }
    }
}
