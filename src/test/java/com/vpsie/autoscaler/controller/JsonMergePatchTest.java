package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonMergePatchTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void onlyChangesRemovalsAsNullAndArraysWhole() throws Exception {
        var from = mapper.readTree("{\"a\":1,\"b\":{\"c\":1,\"d\":2},\"gone\":true,\"list\":[1,2]}");
        var to = mapper.readTree("{\"a\":1,\"b\":{\"c\":1,\"d\":3},\"new\":\"x\",\"list\":[1,2,3]}");
        assertThat(JsonMergePatch.diff(from, to).toString())
                .isEqualTo("{\"gone\":null,\"b\":{\"d\":3},\"new\":\"x\",\"list\":[1,2,3]}");
    }

    @Test
    void fromNothingIsTheWholeDocument() throws Exception {
        var to = mapper.readTree("{\"a\":1}");
        assertThat(JsonMergePatch.diff(null, to)).isEqualTo(to);
    }
}
