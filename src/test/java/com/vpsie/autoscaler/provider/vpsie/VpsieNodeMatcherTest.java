package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.provider.ProviderServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class VpsieNodeMatcherTest {

    private final VpsieNodeMatcher matcher = new VpsieNodeMatcher("vpsie://");
    private final ProviderServer a = server("uuid-a", "workers-w1");
    private final ProviderServer b = server("uuid-b", "workers-w2.cluster.example");
    private final List<ProviderServer> servers = List.of(a, b);

    private static ProviderServer server(String id, String host) {
        return new ProviderServer(id, host, "vpsie://" + id, "2", ProviderServer.State.RUNNING, null, null);
    }

    @Test
    void providerIdComesFirst() {
        assertThat(matcher.match("workers-w2", "vpsie://uuid-a", servers)).contains(a);
    }

    @Test
    void hostnameWhenNoProviderIdOrNoServerHasIt() {
        assertThat(matcher.match("workers-w1", "", servers)).contains(a);
        assertThat(matcher.match("WORKERS-W1", null, servers)).contains(a);
        assertThat(matcher.match("workers-w2", "vpsie://12345", servers)).contains(b);
    }

    @Test
    void otherProvidersNodesAreIgnored() {
        assertThat(matcher.isForeign("aws:///eu-west-1a/i-0abc")).isTrue();
        assertThat(matcher.isForeign("")).isFalse();
        assertThat(matcher.match("workers-w1", "aws:///eu-west-1a/i-0abc", servers)).isEmpty();
    }

    @Test
    void noMatchIsEmpty() {
        assertThat(matcher.match("stranger", "", servers)).isEmpty();
        assertThat(matcher.match(null, null, servers)).isEmpty();
    }
}
