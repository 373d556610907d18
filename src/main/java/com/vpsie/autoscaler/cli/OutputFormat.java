package com.vpsie.autoscaler.cli;

/** How {@code plan} prints; lower-case so the flag values read as typed. */
public enum OutputFormat { text, json }
