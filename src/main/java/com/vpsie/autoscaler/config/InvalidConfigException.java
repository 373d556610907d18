package com.vpsie.autoscaler.config;

/** A configuration file that cannot be used; the message names the file and the key, on one line. */
public final class InvalidConfigException extends Exception {

    public InvalidConfigException(String message) {
        super(message);
    }
}
