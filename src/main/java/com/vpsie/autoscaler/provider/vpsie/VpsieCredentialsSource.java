package com.vpsie.autoscaler.provider.vpsie;

/** Where the current VPSie credentials come from; read before every API call so rotation needs no restart. */
public interface VpsieCredentialsSource {

    /**
     * The credentials to use now.
     *
     * @throws CredentialsUnavailableException with a message naming what is missing, never a value
     */
    VpsieCredentials current() throws CredentialsUnavailableException;
}
