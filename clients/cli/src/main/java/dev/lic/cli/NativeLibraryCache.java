package dev.lic.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * ONNX Runtime's Java binding copies its native libraries (22 MB) out of its jar into a new temporary
 * folder on every start; a one-image {@code lic decode --offline} spent ~0.15 s of CPU on that. This keeps
 * one copy per ONNX Runtime jar under the user's cache folder ({@code $XDG_CACHE_HOME/lic} or
 * {@code ~/.cache/lic}) and points {@code onnxruntime.native.path} at it. Linux only (where the library
 * names are known); anything unexpected leaves ONNX Runtime to its own loading.
 */
final class NativeLibraryCache {
    private static final String PROPERTY = "onnxruntime.native.path";
    private static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");

    private NativeLibraryCache() {
    }

    /** Sets {@code onnxruntime.native.path} unless it is set, filling the cache first when needed. */
    static void prepare() {
        if (System.getProperty(PROPERTY) != null || !System.getProperty("os.name", "").equals("Linux")) {
            return;
        }
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64" -> "aarch64";
            default -> null;
        };
        if (arch == null) {
            return;
        }
        String folder = "ai/onnxruntime/native/linux-" + arch + "/";
        ClassLoader loader = NativeLibraryCache.class.getClassLoader();
        URL first = loader.getResource(folder + LIBRARIES.get(0));
        if (first == null) {
            return;
        }
        try {
            Path dir = cacheRoot().resolve("onnxruntime-" + key(first.toString()));
            for (String name : LIBRARIES) {
                Path target = dir.resolve(name);
                if (!Files.isRegularFile(target)) {
                    copy(loader, folder + name, target);
                }
            }
            System.setProperty(PROPERTY, dir.toString());
        } catch (IOException | RuntimeException e) {
            // no cache (read-only home, odd jar): ONNX Runtime extracts to a temporary folder as usual
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("lic");
    }

    /** A short name for the jar the libraries come from: another ONNX Runtime version gets another folder. */
    private static String key(String url) {
        return String.format(Locale.ROOT, "%08x", url.hashCode());
    }

    /** Copies through a temporary name and renames, so a concurrent start never loads half a file. */
    private static void copy(ClassLoader loader, String resource, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing " + resource);
            }
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
