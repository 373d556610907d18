package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void setsTheGroupAndAFreshIdAndRemovesThemAfter() {
        MDC.put("unrelated", "kept");
        String id;
        try (LogContext ctx = LogContext.forNodeGroup("default/workers")) {
            id = ctx.reconcileId();
            assertThat(MDC.get(LogContext.NODEGROUP)).isEqualTo("default/workers");
            assertThat(MDC.get(LogContext.RECONCILE_ID)).isEqualTo(id).matches("[0-9a-f]{8}");
        }
        assertThat(MDC.get(LogContext.NODEGROUP)).isNull();
        assertThat(MDC.get(LogContext.RECONCILE_ID)).isNull();
        assertThat(MDC.get("unrelated")).isEqualTo("kept");
    }

    @Test
    void nestedContextsRestoreTheOuterOne() {
        try (LogContext outer = LogContext.forNodeGroup("default/a")) {
            try (LogContext inner = LogContext.forNodeGroup("default/b")) {
                assertThat(inner.reconcileId()).isNotEqualTo(outer.reconcileId());
                assertThat(MDC.get(LogContext.NODEGROUP)).isEqualTo("default/b");
            }
            assertThat(MDC.get(LogContext.NODEGROUP)).isEqualTo("default/a");
            assertThat(MDC.get(LogContext.RECONCILE_ID)).isEqualTo(outer.reconcileId());
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void idsDiffer() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            ids.add(LogContext.newReconcileId());
        }
        assertThat(ids).hasSizeGreaterThan(95);
    }
}
