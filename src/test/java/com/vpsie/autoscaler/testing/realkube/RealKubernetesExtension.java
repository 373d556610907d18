package com.vpsie.autoscaler.testing.realkube;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link KubeControlPlane} for the whole test run, on first use, and keeps it in the root store so
 * every {@link RealKubernetes} class shares it; JUnit closes it (stopping the plane) when the run ends. Resolves
 * {@link KubernetesClient} and {@link KubeControlPlane} parameters.
 */
public final class RealKubernetesExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealKubernetesExtension.class);

    /** The plane, or why it could not start: remembered so later classes fail at once instead of retrying. */
    private static final class Started implements AutoCloseable {
        private final KubeControlPlane plane;
        private final RuntimeException failure;

        Started(KubeControlPlane plane, RuntimeException failure) {
            this.plane = plane;
            this.failure = failure;
        }

        static Started attempt() {
            try {
                return new Started(KubeControlPlane.start(), null);
            } catch (RuntimeException e) {
                return new Started(null, e);
            }
        }

        KubeControlPlane plane() {
            if (failure != null) {
                // A new exception per class, so each failure shows where it was asked for; the cause is the original.
                throw new IllegalStateException(failure.getMessage(), failure);
            }
            return plane;
        }

        @Override
        public void close() {
            if (plane != null) {
                plane.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        plane(context);
    }

    /** The run's control plane, started on first call; throws (failing the test) when it cannot be started. */
    public static KubeControlPlane plane(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Started.class, k -> Started.attempt(), Started.class)
                .plane();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KubernetesClient.class || type == KubeControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        KubeControlPlane plane = plane(extensionContext);
        return parameterContext.getParameter().getType() == KubeControlPlane.class ? plane : plane.client();
    }
}
