package dev.lic.core.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The part common to codec and adaptor packs: {@code manifest.json} with {@code format},
 * {@code format_version} and {@code files} (name to SHA-256 hex). Reading a manifest verifies every listed
 * file's hash and keeps the verified bytes, so a pack never reads a file twice or serves an unchecked one.
 * A file named as deferred is read and verified on its first {@link #require} instead (a large graph that
 * the process may never run); until then its hash is the manifest's.
 */
final class Manifest {
    static final String FILE_NAME = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    final JsonNode root;
    /** {@code format_version}, one of the versions the caller accepts. */
    final int formatVersion;
    /** Listed files, name to verified SHA-256 hex, sorted by name. */
    final Map<String, String> hashes;
    /** Listed files, name to verified contents (deferred ones once required). */
    final Map<String, byte[]> contents;
    /** Deferred files not read yet, name to the manifest's hash. */
    private final Map<String, String> deferred;

    private Manifest(JsonNode root, int formatVersion, Map<String, String> hashes, Map<String, byte[]> contents,
                     Map<String, String> deferred) {
        this.root = root;
        this.formatVersion = formatVersion;
        this.hashes = hashes;
        this.contents = contents;
        this.deferred = deferred;
    }

    /** Reads {@code manifest.json} as a JSON object, verifying nothing else. */
    static JsonNode readRoot(PackSource source) {
        byte[] bytes = readFile(source, FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw invalid(source, FILE_NAME, "not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, FILE_NAME, "not a JSON object");
        }
        return root;
    }

    /** Reads and verifies the manifest of a pack of {@code format} in one of {@code versions}. */
    static Manifest read(PackSource source, String format, List<Integer> versions) {
        return read(source, format, versions, java.util.Set.of());
    }

    /** As {@link #read(PackSource, String, List)}; the listed files named in {@code defer} are read when required. */
    static Manifest read(PackSource source, String format, List<Integer> versions, java.util.Set<String> defer) {
        JsonNode root = readRoot(source);
        JsonNode version = root.path("format_version");
        if (!format.equals(text(root, "format")) || !version.isInt() || !versions.contains(version.intValue())) {
            throw invalid(source, FILE_NAME, "not a " + format + " of format_version " + versions.stream()
                    .map(String::valueOf).collect(Collectors.joining(" or ")));
        }
        JsonNode files = root.path("files");
        if (!files.isObject() || files.isEmpty()) {
            throw invalid(source, FILE_NAME, "no files listed");
        }
        Map<String, String> hashes = new TreeMap<>();
        Map<String, byte[]> contents = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, String> deferred = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> entry : files.properties()) {
            String name = entry.getKey();
            String expected = entry.getValue().isTextual() ? entry.getValue().textValue() : null;
            try {
                PackSource.checkName(name);
            } catch (IllegalArgumentException e) {
                throw invalid(source, FILE_NAME, "a listed file is not a plain file name");
            }
            if (name.equals(FILE_NAME) || !BitstreamHeader.isCodecId(expected)) {
                throw invalid(source, FILE_NAME, "bad entry for " + name + " in files");
            }
            hashes.put(name, expected);
            if (defer.contains(name)) {
                deferred.put(name, expected);
            } else {
                contents.put(name, verified(source, name, expected));
            }
        }
        return new Manifest(root, version.intValue(), hashes, contents, deferred);
    }

    private static byte[] verified(PackSource source, String name, String expected) {
        byte[] data = readFile(source, name);
        String actual = sha256Hex(data);
        if (!actual.equals(expected)) {
            throw invalid(source, name, "SHA-256 " + actual + " does not match the manifest's " + expected);
        }
        return data;
    }

    /** The verified contents of a listed file; a deferred one is read and verified now (INVALID_PACK if bad). */
    byte[] require(PackSource source, String name) {
        byte[] data = contents.get(name);
        if (data == null && deferred.containsKey(name)) {
            synchronized (this) {
                data = contents.get(name);
                if (data == null) {
                    data = verified(source, name, deferred.get(name));
                    contents.put(name, data);
                }
            }
        }
        if (data == null) {
            throw invalid(source, name, "not listed in " + FILE_NAME);
        }
        return data;
    }

    /** Whether {@code name} is listed (read or deferred). */
    boolean lists(String name) {
        return hashes.containsKey(name);
    }

    /** The codec id of {@code docs/codec-pack.md}: SHA-256 of "name sha256\n" lines sorted by name. */
    static String codecId(Map<String, String> hashes) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(hashes).forEach((name, hash) -> text.append(name).append(' ').append(hash).append('\n'));
        return sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? v.textValue() : null;
    }

    private static byte[] readFile(PackSource source, String name) {
        try {
            return source.read(name);
        } catch (NoSuchFileException e) {
            throw invalid(source, name, "missing");
        } catch (IOException e) {
            throw invalid(source, name, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    static LicException invalid(PackSource source, String file, String reason) {
        return new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": " + file + ": " + reason);
    }
}
