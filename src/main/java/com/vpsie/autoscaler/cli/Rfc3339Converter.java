package com.vpsie.autoscaler.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/** Reads an RFC 3339 time ("2026-11-22T12:00:00Z", "2026-11-22T13:00:00+01:00") as an Instant. */
public final class Rfc3339Converter implements CommandLine.ITypeConverter<Instant> {

    public static Instant parse(String text) {
        // RFC 3339 allows lower-case t and z, which java.time does not read.
        String s = text.strip().toUpperCase(Locale.ROOT);
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not an RFC 3339 time such as 2026-11-22T12:00:00Z");
        }
    }

    @Override
    public Instant convert(String value) {
        return parse(value);
    }
}
