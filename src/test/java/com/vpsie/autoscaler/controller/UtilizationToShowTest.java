package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.controller.AutoscalingLoop.utilizationToShow;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UtilizationToShowTest {

    @Test
    void theFirstFigureIsShown() {
        assertThat(utilizationToShow(null, 37)).isEqualTo(37);
    }

    @Test
    void movesSmallerThanTheStepKeepTheStoredFigure() {
        assertThat(utilizationToShow(40, 44)).isEqualTo(40);
        assertThat(utilizationToShow(40, 36)).isEqualTo(40);
        assertThat(utilizationToShow(40, 40)).isEqualTo(40);
    }

    @Test
    void movesOfTheStepOrMoreShowTheNewFigure() {
        assertThat(utilizationToShow(40, 45)).isEqualTo(45);
        assertThat(utilizationToShow(40, 35)).isEqualTo(35);
        assertThat(utilizationToShow(40, 100)).isEqualTo(100);
    }

    @Test
    void becomingEmptyOrNoLongerEmptyIsAlwaysShown() {
        assertThat(utilizationToShow(3, 0)).isZero();
        assertThat(utilizationToShow(0, 2)).isEqualTo(2);
    }
}
