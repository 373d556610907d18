package com.vpsie.autoscaler.config;

import ch.qos.logback.classic.encoder.JsonEncoder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Logback's JSON encoder with {@code timestamp} as an RFC 3339 string in UTC with milliseconds
 * ({@code 2026-11-22T12:00:00.123Z}) instead of epoch milliseconds, which log pipelines would otherwise need a
 * custom parser for. Everything else, the field order included, is logback's.
 */
final class Rfc3339JsonEncoder extends JsonEncoder {

    /** Fixed width (always three fraction digits), unlike {@link DateTimeFormatter#ISO_INSTANT}. */
    static final DateTimeFormatter RFC_3339_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    protected void appenderMemberWithLongValue(StringBuilder sb, String key, long value) {
        // The only long member written with the sequence number and nanoseconds switched off; matched by name
        // so a new long member in a later logback stays a number.
        if (TIMESTAMP_ATTR_NAME.equals(key)) {
            appenderMember(sb, key, RFC_3339_MILLIS.format(Instant.ofEpochMilli(value)));
        } else {
            super.appenderMemberWithLongValue(sb, key, value);
        }
    }
}
