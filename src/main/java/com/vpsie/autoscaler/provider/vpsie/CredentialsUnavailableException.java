package com.vpsie.autoscaler.provider.vpsie;

/** No usable VPSie credentials: the Secret or one of its keys is missing. The message never holds a value. */
public final class CredentialsUnavailableException extends Exception {

    public CredentialsUnavailableException(String message) {
        super(message);
    }
}
