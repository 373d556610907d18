package com.vpsie.autoscaler.sim;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * A stand-in for the disruption controller where there is none (the embedded demo): keeps each PDB's
 * {@code status.disruptionsAllowed} at healthy pods minus what must stay available, so evictions are
 * refused (429) exactly when a real cluster would refuse them.
 */
public final class DisruptionStandIn {

    private final KubernetesClient client;

    public DisruptionStandIn(KubernetesClient client) {
        this.client = client;
    }

    public void reconcileOnce() {
        for (PodDisruptionBudget pdb : client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems()) {
            var spec = pdb.getSpec();
            if (spec == null || spec.getSelector() == null) {
                continue;
            }
            List<Pod> pods = client.pods().inNamespace(pdb.getMetadata().getNamespace())
                    .withLabelSelector(spec.getSelector()).list().getItems();
            int expected = (int) pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
            int healthy = (int) pods.stream().filter(DisruptionStandIn::healthy).count();
            int desiredHealthy = desiredHealthy(spec.getMinAvailable(), spec.getMaxUnavailable(), expected);
            int allowed = Math.max(0, healthy - desiredHealthy);
            if (pdb.getStatus() != null && Integer.valueOf(allowed).equals(pdb.getStatus().getDisruptionsAllowed())
                    && Integer.valueOf(healthy).equals(pdb.getStatus().getCurrentHealthy())) {
                continue;
            }
            try {
                client.policy().v1().podDisruptionBudget().inNamespace(pdb.getMetadata().getNamespace())
                        .withName(pdb.getMetadata().getName()).editStatus(p -> {
                            if (p.getStatus() == null) {
                                p.setStatus(new PodDisruptionBudgetStatus());
                            }
                            p.getStatus().setDisruptionsAllowed(allowed);
                            p.getStatus().setCurrentHealthy(healthy);
                            p.getStatus().setDesiredHealthy(desiredHealthy);
                            p.getStatus().setExpectedPods(expected);
                            return p;
                        });
            } catch (KubernetesClientException e) {
                // changed or deleted meanwhile; the next round catches up
            }
        }
    }

    static boolean healthy(Pod p) {
        return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase()) && p.getSpec() != null && p.getSpec().getNodeName() != null;
    }

    static int desiredHealthy(IntOrString minAvailable, IntOrString maxUnavailable, int expected) {
        if (minAvailable != null) {
            return resolve(minAvailable, expected, true);
        }
        if (maxUnavailable != null) {
            return Math.max(0, expected - resolve(maxUnavailable, expected, false));
        }
        return 0;
    }

    private static int resolve(IntOrString value, int total, boolean roundUp) {
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        if (s != null && s.endsWith("%")) {
            double share = Integer.parseInt(s.substring(0, s.length() - 1)) * total / 100.0;
            return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
        }
        return s == null ? 0 : Integer.parseInt(s);
    }
}
