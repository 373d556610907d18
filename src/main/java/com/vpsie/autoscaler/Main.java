package com.vpsie.autoscaler;

import com.vpsie.autoscaler.cli.RootCommand;

public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(RootCommand.commandLine().execute(args));
    }
}
