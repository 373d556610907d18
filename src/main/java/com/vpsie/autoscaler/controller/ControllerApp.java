package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.config.ControllerConfig;

/** Starts the controller with a validated config and blocks until it stops; returns the exit code. */
public final class ControllerApp {

    private ControllerApp() {
    }

    public static int run(ControllerConfig config) {
        throw new IllegalStateException("the controller runtime is being written");
    }
}
