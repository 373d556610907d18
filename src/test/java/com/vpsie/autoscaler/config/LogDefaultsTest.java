package com.vpsie.autoscaler.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The logging every command starts with, as logback finds it on its own (no logback.xml to read). */
class LogDefaultsTest {

    @Test
    @SuppressWarnings("unchecked")
    void logbackConfiguresItselfWithTheDefaultsInCode() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

        var appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");

        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) appender;
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(LogDefaults.PATTERN);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("okhttp3").getLevel()).isEqualTo(Level.WARN);
    }
}
