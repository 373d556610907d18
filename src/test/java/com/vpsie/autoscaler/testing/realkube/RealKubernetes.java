package com.vpsie.autoscaler.testing.realkube;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real Kubernetes control plane (etcd, kube-apiserver, kube-scheduler,
 * kube-controller-manager built by {@code scripts/kube-control-plane.sh build}), started once per test run and
 * shared by every class, with the chart's CRDs established and an identity that may impersonate ServiceAccounts
 * (see {@link ChartRelease}; the API server's audit log records its requests). Test methods and constructors may
 * take a {@link io.fabric8.kubernetes.client.KubernetesClient} (shared, admin, do not close it) or a
 * {@link KubeControlPlane} (kubeconfig, fresh clients, namespaces).
 *
 * <p>When the binaries are missing the class fails with the command that builds them; it is never skipped.
 * Setting {@code VPSIE_E2E_KUBECONFIG} uses that cluster instead of starting one (and leaves it running).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("e2e")
@ExtendWith(RealKubernetesExtension.class)
public @interface RealKubernetes {
}
