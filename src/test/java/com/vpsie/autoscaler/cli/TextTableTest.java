package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCell() {
        String out = new TextTable("A", "LONG HEADER", "C")
                .row("wide cell", "x", "last")
                .row("y", null, "z")
                .render("> ");
        assertThat(out).isEqualTo(
                "> A          LONG HEADER  C\n"
                + "> wide cell  x            last\n"
                + "> y          -            z\n");
    }

    @Test
    void rowsMustMatchTheHeader() {
        assertThatThrownBy(() -> new TextTable("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
