package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class StoppableLeaseLockTest {

    private final Lock lease = mock(Lock.class);
    private final KubernetesClient client = mock(KubernetesClient.class);
    private final LeaderElectionRecord record = new LeaderElectionRecord("me", Duration.ofSeconds(15),
            ZonedDateTime.now(), ZonedDateTime.now(), 0);

    @Test
    void writesGoThroughUntilStopped() {
        StoppableLeaseLock lock = new StoppableLeaseLock(lease);
        lock.create(client, record);
        lock.update(client, record);
        verify(lease).create(client, record);
        verify(lease).update(client, record);
    }

    @Test
    void onceStoppedNoWriteReachesTheApiServer() {
        StoppableLeaseLock lock = new StoppableLeaseLock(lease);
        lock.stopWriting();

        assertThatThrownBy(() -> lock.update(client, record)).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("shutting down");
        assertThatThrownBy(() -> lock.create(client, record)).isInstanceOf(KubernetesClientException.class);
        verify(lease, never()).update(any(), any());
        verify(lease, never()).create(any(), any());
        lock.get(client); // reading stays allowed: the elector finds out it no longer leads
        verify(lease).get(client);
    }
}
