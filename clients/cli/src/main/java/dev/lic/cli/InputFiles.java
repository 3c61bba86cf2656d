package dev.lic.cli;

import dev.lic.api.ExitCodes;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The files one {@code lic encode} or {@code lic decode} works on, and where each one's output goes: a file
 * named on the command line goes to {@code OUT/<name>}, a file found in a named folder (recursively, by
 * extension) to {@code OUT/<its path under the folder>}, the extension replaced by the output's. Files
 * under the output folder are not inputs (re-running into the same tree does not pick up old outputs).
 */
final class InputFiles {
    /**
     * One input. {@code outputBase} is the output path without extension (the command adds it);
     * {@code failure}, when not null, is why this input fails before it is read (a folder that cannot be
     * listed, a missing file, two inputs with the same output).
     */
    record Item(Path input, Path outputBase, Outcome.Failure failure) {
    }

    private InputFiles() {
    }

    /**
     * @param extensions lower-case extensions with the dot (".png") that files in folders must have
     */
    static List<Item> expand(List<Path> inputs, Set<String> extensions, Path outDir) {
        Path outAbs = outDir.toAbsolutePath().normalize();
        List<Item> items = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                List<Item> found = new ArrayList<>();
                walk(input, extensions, outAbs, outDir, found);
                found.sort(java.util.Comparator.comparing(i -> i.input().toString()));
                items.addAll(found);
            } else if (Files.exists(input)) {
                items.add(new Item(input, outDir.resolve(stripExtension(input.getFileName().toString())), null));
            } else {
                items.add(new Item(input, null, Outcome.Failure.io("no such file or folder")));
            }
        }
        return markCollisions(items);
    }

    private static void walk(Path dir, Set<String> extensions, Path outAbs, Path outDir, List<Item> found) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.toAbsolutePath().normalize().equals(outAbs) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && extensions.contains(extension(file))) {
                        Path rel = dir.relativize(file);
                        Path base = outDir.resolve(rel).resolveSibling(stripExtension(file.getFileName().toString()));
                        found.add(new Item(file, base, null));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    found.add(new Item(file, null, Outcome.Failure.of(e)));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            found.add(new Item(dir, null, Outcome.Failure.of(e)));
        }
    }

    /** The second input that would write the same output fails instead of overwriting the first's. */
    private static List<Item> markCollisions(List<Item> items) {
        Map<Path, Path> owners = new HashMap<>();
        List<Item> out = new ArrayList<>(items.size());
        for (Item item : items) {
            if (item.failure() == null) {
                Path key = item.outputBase().toAbsolutePath().normalize();
                Path owner = owners.putIfAbsent(key, item.input());
                if (owner != null) {
                    item = new Item(item.input(), null, new Outcome.Failure("INVALID_ARGUMENT",
                            ExitCodes.of(dev.lic.api.ErrorKind.INVALID_ARGUMENT),
                            "its output " + item.outputBase() + ".* would overwrite that of " + owner));
                }
            }
            out.add(item);
        }
        return out;
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }
}
