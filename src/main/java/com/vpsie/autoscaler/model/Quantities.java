package com.vpsie.autoscaler.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Parses Kubernetes resource quantities ("100m", "1.5", "512Mi", "1e3", "2G") without any Kubernetes library. */
public final class Quantities {

    private Quantities() {
    }

    /** The quantity as millis (cpu), rounded up as the API server does for fractional millicores. */
    public static long parseMillis(String text) {
        return toLongCeil(parse(text).movePointRight(3), text);
    }

    /** The quantity as a whole number (bytes, counts), rounded up. */
    public static long parseUnits(String text) {
        return toLongCeil(parse(text), text);
    }

    public static BigDecimal parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing quantity");
        }
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty quantity");
        }
        int end = s.length();
        BigDecimal multiplier = BigDecimal.ONE;
        String[][] binary = {{"Ki", "1"}, {"Mi", "2"}, {"Gi", "3"}, {"Ti", "4"}, {"Pi", "5"}, {"Ei", "6"}};
        String[][] decimal = {{"n", "-9"}, {"u", "-6"}, {"m", "-3"}, {"k", "3"}, {"M", "6"}, {"G", "9"},
            {"T", "12"}, {"P", "15"}, {"E", "18"}};
        boolean suffixed = false;
        for (String[] b : binary) {
            if (s.endsWith(b[0])) {
                multiplier = BigDecimal.valueOf(1024).pow(Integer.parseInt(b[1]));
                end = s.length() - 2;
                suffixed = true;
                break;
            }
        }
        if (!suffixed) {
            for (String[] d : decimal) {
                if (s.endsWith(d[0])) {
                    multiplier = BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(d[1]));
                    end = s.length() - 1;
                    suffixed = true;
                    break;
                }
            }
        }
        String number = s.substring(0, end);
        if (number.isEmpty() || !number.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new IllegalArgumentException("cannot parse quantity '" + text + "'");
        }
        if (suffixed && number.matches(".*[eE].*")) {
            throw new IllegalArgumentException("cannot parse quantity '" + text + "'");
        }
        BigDecimal value = new BigDecimal(number).multiply(multiplier);
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative quantity '" + text + "'");
        }
        return value;
    }

    private static long toLongCeil(BigDecimal value, String text) {
        BigDecimal rounded = value.setScale(0, RoundingMode.CEILING);
        if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("quantity too large '" + text + "'");
        }
        return rounded.longValueExact();
    }

    /** Formats bytes the way people read them (binary suffixes), for messages and tables. */
    public static String formatBytes(long bytes) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
        int unit = 0;
        double v = bytes;
        while (Math.abs(v) >= 1024 && unit < units.length - 1) {
            v /= 1024;
            unit++;
        }
        if (v == Math.rint(v)) {
            return (long) v + units[unit];
        }
        return String.format(java.util.Locale.ROOT, "%.1f%s", v, units[unit]);
    }

    public static String formatMillis(long millis) {
        if (millis % 1000 == 0) {
            return Long.toString(millis / 1000);
        }
        return millis + "m";
    }
}
