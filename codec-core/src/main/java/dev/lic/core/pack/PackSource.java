package dev.lic.core.pack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a pack's files come from: a directory, or a classpath prefix so that packs can ship inside jars.
 * A pack source only reads files by plain name ({@code manifest.json}, {@code encoder.onnx}, ...).
 */
public interface PackSource {
    /**
     * Reads the file {@code name} of the pack.
     *
     * @throws NoSuchFileException when the pack has no such file
     * @throws IllegalArgumentException when {@code name} is not a plain file name
     */
    byte[] read(String name) throws IOException;

    /** Where the pack lives, for messages: {@code /srv/packs/default} or {@code classpath:lic/packs/...}. */
    String describe();

    static PackSource directory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return new PackSource() {
            @Override
            public byte[] read(String name) throws IOException {
                checkName(name);
                Path file = dir.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new NoSuchFileException(file.toString());
                }
                return Files.readAllBytes(file);
            }

            @Override
            public String describe() {
                return dir.toString();
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /**
     * Files held in memory (an upload being registered), by plain name; {@code what} names it in messages.
     * The map is copied; the byte arrays are not.
     */
    static PackSource memory(java.util.Map<String, byte[]> files, String what) {
        java.util.Map<String, byte[]> copy = java.util.Map.copyOf(files);
        Objects.requireNonNull(what, "what");
        return new PackSource() {
            @Override
            public byte[] read(String name) throws IOException {
                checkName(name);
                byte[] data = copy.get(name);
                if (data == null) {
                    throw new NoSuchFileException(what + "/" + name);
                }
                return data;
            }

            @Override
            public String describe() {
                return what;
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /** Resources under {@code prefix} of the class loader that loaded codec-core. */
    static PackSource classpath(String prefix) {
        return classpath(prefix, PackSource.class.getClassLoader());
    }

    static PackSource classpath(String prefix, ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        String clean = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
        return new PackSource() {
            @Override
            public byte[] read(String name) throws IOException {
                checkName(name);
                String resource = clean + "/" + name;
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new NoSuchFileException("classpath:" + resource);
                    }
                    return in.readAllBytes();
                }
            }

            @Override
            public String describe() {
                return "classpath:" + clean;
            }

            @Override
            public String toString() {
                return describe();
            }
        };
    }

    /** Pack files are plain names: no separators, no {@code .} or {@code ..}. */
    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a plain file name");
        }
    }
}
