package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VpsieConfigTest {

    @Test
    void defaultsFollowTheGoAutoscaler() {
        VpsieConfig c = VpsieConfig.defaults();

        assertThat(c.baseUrl()).isEqualTo("https://api.vpsie.com/v2");
        assertThat(c.allowPlainHttp()).isFalse();
        assertThat(c.paths()).isEqualTo(VpsieWire.Paths.defaults());
        assertThat(c.staticTokenAuth()).isEqualTo(StaticTokenAuth.BOTH);
        assertThat(c.secretNamespace()).isEqualTo("kube-system");
        assertThat(c.secretName()).isEqualTo("vpsie-secret");
        assertThat(c.rateLimitPerMinute()).isEqualTo(100);
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.retryInitialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.tokenRefreshBefore()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.providerIdPrefix()).isEqualTo("vpsie://");
        assertThat(c.terminalMessages()).contains("exceeds the allowed limit", "quota exceeded");
    }

    @Test
    void toBuilderRoundTrips() {
        VpsieConfig c = VpsieConfig.builder().rateLimit(10, Duration.ZERO).terminalMessages(List.of("No More"))
                .build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.terminalMessages()).containsExactly("no more");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> VpsieConfig.builder().baseUrl("api.vpsie.com").build())
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> VpsieConfig.builder().maxAttempts(0).build()).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> VpsieConfig.builder().callTimeout(Duration.ZERO).build())
                .hasMessageContaining("callTimeout");
        assertThatThrownBy(() -> VpsieConfig.builder().retryJitter(2).build()).hasMessageContaining("retryJitter");
        assertThatThrownBy(() -> VpsieConfig.builder().rateLimit(0, Duration.ZERO).build())
                .hasMessageContaining("rateLimitPerMinute");
    }
}
