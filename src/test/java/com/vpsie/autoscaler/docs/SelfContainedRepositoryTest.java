package com.vpsie.autoscaler.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A clone of this repository is all a reader has: no file may send them to the machine it was written on
 * (a sibling checkout, a home directory), and every Markdown file a text names must exist in the clone.
 */
class SelfContainedRepositoryTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", ".idea", ".mvn");
    /** Built from pieces, so this file does not match itself. */
    private static final List<String> OUTSIDE = List.of(".." + "/shared", "/" + "work/", "/" + "home/");
    /** A Markdown file named in a link target or in backticks: docs/x.md, ../CONTRIBUTING.md, `README.md`. */
    private static final Pattern MARKDOWN_REFERENCE =
            Pattern.compile("(?:\\]\\(|`)((?:\\.{1,2}/)*[\\w-][\\w./-]*\\.md)(?:#[\\w-]*)?[)`]");

    @Test
    void noFileRefersToPathsOutsideTheRepository() {
        List<String> found = new ArrayList<>();
        for (Path file : textFiles()) {
            List<String> lines = read(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                for (String outside : OUTSIDE) {
                    if (lines.get(i).contains(outside)) {
                        found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }

        assertThat(found).as("references to files outside the repository").isEmpty();
    }

    @Test
    void everyMarkdownFileNamedExists() {
        List<String> missing = new ArrayList<>();
        for (Path file : textFiles()) {
            if (!file.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = MARKDOWN_REFERENCE.matcher(read(file));
            while (m.find()) {
                String target = m.group(1);
                // Relative to the file, as a link is; or to the repository root, as prose often names files.
                if (!inRepository(file.getParent().resolve(target)) && !inRepository(ROOT.resolve(target))) {
                    missing.add(ROOT.relativize(file) + " names " + target);
                }
            }
        }

        assertThat(missing).as("Markdown files named but not in the repository").isEmpty();
    }

    /** Exists and lies inside the clone: a sibling checkout on the author's machine does not count. */
    private static boolean inRepository(Path path) {
        Path normal = path.normalize();
        return normal.startsWith(ROOT) && Files.exists(normal);
    }

    private static List<Path> textFiles() {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> ROOT.relativize(p).getNameCount() > 0)
                    .filter(p -> !SKIPPED_DIRS.contains(ROOT.relativize(p).getName(0).toString()))
                    .filter(Files::isRegularFile)
                    .filter(SelfContainedRepositoryTest::isText)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isText(Path file) {
        try {
            if (Files.size(file) > 4_000_000) {
                return false;
            }
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                if (b == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
