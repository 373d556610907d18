package com.vpsie.autoscaler.provider;

/**
 * A provider call failed. Messages name the operation and the endpoint family, never a credential.
 */
public abstract sealed class ProviderException extends Exception
        permits ProviderException.Transient, ProviderException.Terminal, ProviderException.OutOfCapacity {

    protected ProviderException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Worth retrying later: timeouts, 429, 5xx, an open circuit breaker, malformed answers. */
    public static final class Transient extends ProviderException {
        public Transient(String message, Throwable cause) {
            super(message, cause);
        }

        public Transient(String message) {
            super(message, null);
        }
    }

    /** Will fail the same way on retry: quota, plan limits, bad credentials, unknown group. */
    public static final class Terminal extends ProviderException {
        public Terminal(String message, Throwable cause) {
            super(message, cause);
        }

        public Terminal(String message) {
            super(message, null);
        }
    }

    /**
     * The cloud has no capacity for this size in this datacenter right now. Neither transient for the group (the
     * same size will be refused again for a while) nor terminal (another size, or the same one later, may work):
     * the caller marks the size unavailable and lets the planner choose another option.
     */
    public static final class OutOfCapacity extends ProviderException {
        public OutOfCapacity(String message, Throwable cause) {
            super(message, cause);
        }

        public OutOfCapacity(String message) {
            super(message, null);
        }
    }
}
