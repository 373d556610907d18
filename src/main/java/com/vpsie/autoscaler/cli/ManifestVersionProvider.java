package com.vpsie.autoscaler.cli;

import picocli.CommandLine;

/** The version from the jar manifest's Implementation-Version; "dev" when run from classes. */
public final class ManifestVersionProvider implements CommandLine.IVersionProvider {

    public static String version() {
        String v = ManifestVersionProvider.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vpsie-autoscaler " + version()};
    }
}
