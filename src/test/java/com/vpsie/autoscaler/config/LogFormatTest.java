package com.vpsie.autoscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogFormatTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void shareTheMdc() {
        // MDC.put goes to SLF4J's adapter; a private context must read the same one.
        context.setMDCAdapter(MDC.getMDCAdapter());
    }

    @AfterEach
    void clearMdc() {
        MDC.clear();
        context.stop();
    }

    /** A logger of the private context writing {@code format} into {@link #out}. */
    private org.slf4j.Logger logger(LogFormat format) {
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(format.encoder(context));
        appender.setOutputStream(out);
        appender.start();
        Logger logger = context.getLogger("com.vpsie.autoscaler.controller.NodeGroupReconciler");
        logger.addAppender(appender);
        return logger;
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonIsOneObjectPerLineWithTheMdcAndTheMessage() throws Exception {
        org.slf4j.Logger log = logger(LogFormat.JSON);
        MDC.put("nodegroup", "default/workers");
        MDC.put("reconcileId", "0badcafe");
        log.info("Scaled {} to {} nodes", "workers", 3);
        MDC.clear();
        log.warn("A message with \"quotes\"\nand a second line", new IllegalStateException("boom"));

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.isObject()).isTrue();
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("formattedMessage").asText()).isEqualTo("Scaled workers to 3 nodes");
        assertThat(first.path("mdc").path("nodegroup").asText()).isEqualTo("default/workers");
        assertThat(first.path("mdc").path("reconcileId").asText()).isEqualTo("0badcafe");
        assertThat(first.path("loggerName").asText()).endsWith("NodeGroupReconciler");
        assertThat(first.path("timestamp").isTextual()).as("timestamp is a string, not epoch millis: %s", lines.get(0))
                .isTrue();

        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.path("formattedMessage").asText()).isEqualTo("A message with \"quotes\"\nand a second line");
        assertThat(second.path("throwable").path("message").asText()).isEqualTo("boom");
    }

    @Test
    void jsonTimestampIsRfc3339InUtcWithMilliseconds() throws Exception {
        org.slf4j.Logger log = logger(LogFormat.JSON);
        long before = System.currentTimeMillis();
        log.info("one line");
        long after = System.currentTimeMillis();

        JsonNode line = new ObjectMapper().readTree(lines().get(0));
        String timestamp = line.path("timestamp").asText();
        // What log pipelines (Loki, Elasticsearch, Cloud Logging) parse without a custom date format.
        assertThat(timestamp).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(timestamp).toEpochMilli()).isBetween(before, after);
        assertThat(lines().get(0)).as("the time comes first, as in the text format").startsWith("{\"timestamp\":");
    }

    @Test
    void textShowsTheReconcileContextOnlyWhenSet() {
        org.slf4j.Logger log = logger(LogFormat.TEXT);
        log.info("Watching NodeGroups");
        MDC.put("nodegroup", "default/workers");
        log.info("Nothing to do");
        MDC.put("reconcileId", "0badcafe");
        log.info("Scaled up");

        List<String> lines = lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).endsWith("NodeGroupReconciler - Watching NodeGroups")
                .doesNotContain("nodegroup=").doesNotContain("reconcileId=");
        assertThat(lines.get(1)).endsWith("NodeGroupReconciler - nodegroup=default/workers Nothing to do");
        assertThat(lines.get(2)).endsWith(
                "NodeGroupReconciler - nodegroup=default/workers reconcileId=0badcafe Scaled up");
        assertThat(lines.get(2)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  .*");
    }

    @Test
    void installReplacesTheRootAppenders() {
        LogFormat.JSON.install(context);
        ConsoleAppender<ILoggingEvent> json = rootAppender();
        assertThat(json.getTarget()).isEqualTo("System.out");
        assertThat(json.getEncoder()).isInstanceOf(JsonEncoder.class);

        LogFormat.TEXT.install(context);
        ConsoleAppender<ILoggingEvent> text = rootAppender();
        assertThat(text.getTarget()).isEqualTo("System.err");
        assertThat(text.getEncoder()).isInstanceOf(PatternLayoutEncoder.class);
        assertThat(json.isStarted()).isFalse();
    }

    @Test
    void applySwitchesTheProcessLogging() throws Exception {
        LoggerContext real = (LoggerContext) LoggerFactory.getILoggerFactory();
        try {
            LogFormat.apply("text");
            Appender<ILoggingEvent> appender = real.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    .getAppender(LogFormat.APPENDER_NAME);
            assertThat(appender).isInstanceOf(ConsoleAppender.class);
        } finally {
            // Back to the defaults (LogDefaults) for the tests that run after this one.
            real.reset();
            new ContextInitializer(real).autoConfig();
        }
    }

    @Test
    void autoIsTextAtATerminalAndJsonElsewhere() {
        assertThat(LogFormat.AUTO.resolve(true)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.AUTO.resolve(false)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.JSON.resolve(true)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.TEXT.resolve(false)).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void parseKnowsTheThreeFormats() {
        assertThat(LogFormat.parse("Json")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.parse(" text ")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.parse("auto").id()).isEqualTo("auto");
        assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessage("'xml' is not a log format (auto, json or text)");
        assertThatThrownBy(() -> LogFormat.apply("xml")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogFormat.AUTO.encoder(context)).isInstanceOf(IllegalStateException.class);
    }

    @SuppressWarnings("unchecked")
    private ConsoleAppender<ILoggingEvent> rootAppender() {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> all = new java.util.ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(all::add);
        assertThat(all).hasSize(1);
        assertThat(all.get(0).getName()).isEqualTo(LogFormat.APPENDER_NAME);
        return (ConsoleAppender<ILoggingEvent>) all.get(0);
    }
}
