package com.vpsie.autoscaler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags of the image, read from the Dockerfile's ENTRYPOINT, so that tests starting the packaged
 * controller "as the chart starts it" cannot drift from what the image runs (scripts/idle-footprint.sh reads them
 * the same way).
 */
public final class ImageJvmFlags {

    private static final Pattern FLAG = Pattern.compile("\"(-X[^\"]*)\"");

    private ImageJvmFlags() {
    }

    /** The {@code -X...} arguments of the ENTRYPOINT in {@code dockerfile}, in order. */
    public static List<String> of(Path dockerfile) {
        String text;
        try {
            text = Files.readString(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf("\nENTRYPOINT");
        int end = start < 0 ? -1 : text.indexOf("\nCMD", start);
        if (start < 0 || end < 0) {
            throw new IllegalStateException(dockerfile + " has no ENTRYPOINT followed by CMD");
        }
        List<String> flags = new ArrayList<>();
        Matcher m = FLAG.matcher(text.substring(start, end));
        while (m.find()) {
            flags.add(m.group(1));
        }
        return List.copyOf(flags);
    }

    /** The flags of the repository's Dockerfile (tests run from the project directory). */
    public static List<String> ofRepository() {
        return of(Path.of("Dockerfile"));
    }
}
