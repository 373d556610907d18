package com.vpsie.autoscaler.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * How {@code run} writes its log: JSON lines for log collectors, or text for people. {@link LogDefaults} gives every
 * command plain text on stderr; {@code run} switches once at start, before the controller logs anything.
 */
public enum LogFormat {
    /** JSON in a container (no terminal), text at a terminal. */
    AUTO,
    JSON,
    TEXT;

    /** The appender {@link #apply} installs on the root logger. */
    static final String APPENDER_NAME = "RUN";

    /**
     * Text shows the reconcile context after the logger name only when it is set: the {@code %replace}s drop
     * " nodegroup=" and " reconcileId=" when their MDC value is empty.
     */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} -"
            + "%replace( nodegroup=%X{nodegroup}){' nodegroup=$', ''}"
            + "%replace( reconcileId=%X{reconcileId}){' reconcileId=$', ''}"
            + " %msg%n";

    /** @throws IllegalArgumentException naming the known formats */
    public static LogFormat parse(String text) {
        if (text != null) {
            for (LogFormat f : values()) {
                if (f.name().equalsIgnoreCase(text.strip())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a log format (auto, json or text)");
    }

    /** The lower-case name flags and ControllerConfig use. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** AUTO becomes TEXT at a terminal and JSON elsewhere; the others stay as they are. */
    public LogFormat resolve(boolean interactive) {
        if (this != AUTO) {
            return this;
        }
        return interactive ? TEXT : JSON;
    }

    /** Switches the process's logging to {@code format} (auto, json or text). */
    public static void apply(String format) {
        LogFormat resolved = parse(format).resolve(System.console() != null);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        // Another SLF4J backend (some test setups) keeps its own configuration.
        if (factory instanceof LoggerContext context) {
            resolved.install(context);
        }
    }

    /** Replaces the root logger's appenders with one console appender in this (resolved) format. */
    void install(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER_NAME);
        // JSON goes to stdout: container runtimes and log agents treat stdout as the application's log stream,
        // and several (Cloud Logging, some Fluent Bit setups) mark every stderr line as an error. `run` prints
        // nothing else on stdout, so nothing else can interleave with the JSON lines. Text stays on stderr, as
        // for every other command.
        appender.setTarget(this == JSON ? "System.out" : "System.err");
        appender.setEncoder(encoder(context));
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    /** A started encoder for this (resolved) format. */
    Encoder<ILoggingEvent> encoder(LoggerContext context) {
        return switch (this) {
            case JSON -> {
                JsonEncoder json = new Rfc3339JsonEncoder();
                json.setContext(context);
                // One object per line with time (RFC 3339, UTC), level, thread, logger, MDC and the formatted
                // message. The raw template, its arguments and the logger context would only repeat what is
                // already there.
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.setWithContext(false);
                json.setWithMessage(false);
                json.setWithArguments(false);
                json.setWithFormattedMessage(true);
                json.setWithMDC(true);
                json.start();
                yield json;
            }
            case TEXT -> {
                PatternLayoutEncoder text = new PatternLayoutEncoder();
                text.setContext(context);
                text.setPattern(TEXT_PATTERN);
                text.start();
                yield text;
            }
            case AUTO -> throw new IllegalStateException("resolve AUTO before building an encoder");
        };
    }
}
