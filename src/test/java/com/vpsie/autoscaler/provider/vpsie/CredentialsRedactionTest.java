package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** No credential or token ever reaches a log line, an exception message or a toString(). */
class CredentialsRedactionTest {

    private static final List<String> SECRETS = List.of(SimFixture.CLIENT_ID, SimFixture.CLIENT_SECRET,
            SimFixture.TOKEN, "simtok-");

    private final SimFixture fx = new SimFixture();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger vpsieLogger = (Logger) LoggerFactory.getLogger("com.vpsie");
    private Level previousLevel;

    @BeforeEach
    void captureLogs() {
        previousLevel = vpsieLogger.getLevel();
        vpsieLogger.setLevel(Level.DEBUG);
        appender.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
        vpsieLogger.setLevel(previousLevel);
        fx.close();
    }

    @Test
    void toStringsHideValues() {
        VpsieCredentials client = SimFixture.clientCredentials();
        VpsieCredentials token = VpsieCredentials.staticToken(SimFixture.TOKEN, "https://example.test/v2");
        List<String> texts = List.of(client.toString(), token.toString(),
                new StaticCredentialsSource(client).toString(),
                new VpsieTransport.AuthHeader(StaticTokenAuth.BOTH.headers(SimFixture.TOKEN)).toString(),
                new VpsieWire.TokenValue(SimFixture.TOKEN, "2026-01-01T00:00:00Z").toString(),
                new VpsieWire.TokenReply(new VpsieWire.TokenValue(SimFixture.TOKEN, null), null, null, null, null)
                        .toString(),
                fx.config().build().toString());

        assertThat(texts).allSatisfy(this::assertClean);
        assertThat(token.toString()).contains("STATIC_TOKEN").contains("url=set");
    }

    @Test
    void emptyValuesAreRejectedByNameOnly() {
        Throwable t = catchThrowable(() -> VpsieCredentials.clientCredentials(SimFixture.CLIENT_ID, " ", null));
        assertThat(t).hasMessage("clientSecret must not be empty");
        assertClean(t.getMessage());
    }

    @Test
    void noLogLineOrExceptionCarriesACredentialAcrossEveryPath() throws Exception {
        List<Throwable> thrown = new ArrayList<>();
        StaticCredentialsSource source = new StaticCredentialsSource(SimFixture.clientCredentials());
        VpsieCloudProvider provider = fx.provider(source, b -> b.maxAttempts(2));

        provider.listServers(SimFixture.group());
        provider.createServer(SimFixture.group(), "2", "req-1");
        fx.sim.revokeIssuedTokens();
        provider.listOfferings(SimFixture.DC);

        // A server that echoes what it was sent, in an error and in a plain failure.
        fx.sim.injectFault(SimEndpoint.GET_CLUSTER,
                Fault.errorEnvelope("bad secret " + SimFixture.CLIENT_SECRET + " for client " + SimFixture.CLIENT_ID));
        thrown.add(catchThrowable(() -> provider.listServers(SimFixture.group())));
        fx.sim.injectFault(SimEndpoint.GET_CLUSTER, Fault.status(500, "secret was " + SimFixture.CLIENT_SECRET), 2);
        thrown.add(catchThrowable(() -> provider.listServers(SimFixture.group())));
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.lostResponse());
        provider.createServer(SimFixture.group(), "2", "req-2");
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.slowAfterAction(Duration.ofMillis(1000)));
        provider.createServer(SimFixture.group(), "2", "req-3");

        // A static token echoed back, then rejected credentials in both modes.
        source.set(SimFixture.staticToken());
        fx.sim.injectFault(SimEndpoint.GET_CLUSTER, Fault.status(400, "token " + SimFixture.TOKEN + " is odd"));
        thrown.add(catchThrowable(() -> provider.listServers(SimFixture.group())));
        source.set(SimFixture.clientCredentials());
        fx.sim.revokeAllCredentials();
        thrown.add(catchThrowable(() -> provider.listServers(SimFixture.group())));
        source.set(SimFixture.staticToken());
        thrown.add(catchThrowable(() -> provider.listServers(SimFixture.group())));

        assertThat(thrown).allSatisfy(t -> {
            assertThat(t).isNotNull();
            for (Throwable c = t; c != null; c = c.getCause()) {
                assertClean(c.getMessage());
                assertClean(c.toString());
            }
        });
        assertThat(thrown.get(0).getMessage()).contains("<redacted>");
        assertThat(appender.list).isNotEmpty();
        for (ILoggingEvent e : appender.list) {
            assertClean(e.getFormattedMessage());
            for (IThrowableProxy p = e.getThrowableProxy(); p != null; p = p.getCause()) {
                assertClean(p.getMessage());
            }
        }
    }

    private void assertClean(String text) {
        if (text == null) {
            return;
        }
        for (String secret : SECRETS) {
            assertThat(text).as("text must not contain a credential").doesNotContain(secret);
        }
    }
}
