package dev.lic.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lic.core.pack.PackSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Paths to the shared test vectors and data, and small helpers for reading them. */
public final class TestData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestData() {
    }

    /** The repository root: tests run in {@code codec-core/}, so it is {@code ..} (or here, from an IDE). */
    public static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath().normalize();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testvectors")) && Files.isDirectory(p.resolve("codec-core"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (with testvectors/) from " + here);
    }

    public static Path vectors() {
        return repoRoot().resolve("testvectors");
    }

    public static Path tinyCodecPack() {
        return vectors().resolve("pack/codec");
    }

    public static Path tinyHumanPack() {
        return vectors().resolve("pack/human");
    }

    /** The tiny variable-rate (format version 2) test codec pack. */
    public static Path tinyVrCodecPack() {
        return vectors().resolve("pack-vr/codec");
    }

    public static Path tinyVrHumanPack() {
        return vectors().resolve("pack-vr/human");
    }

    /** The mechanical detection pack (format version 2) of the tiny variable-rate codec (lic.task_pack). */
    public static Path tinyVrDetectionPack() {
        return vectors().resolve("pack-vr/detection");
    }

    /** The mechanical segmentation pack (format version 2) of the tiny variable-rate codec. */
    public static Path tinyVrSegmentationPack() {
        return vectors().resolve("pack-vr/segmentation");
    }

    /** A pack folder's files by name, sorted. */
    public static java.util.Map<String, byte[]> packFiles(Path folder) {
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        try (java.util.stream.Stream<Path> list = Files.list(folder)) {
            for (Path f : list.sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /**
     * Replaces {@code from} by {@code to} in the pack file {@code name} and updates its SHA-256 in the
     * manifest (for packs that are well formed but wrong in one detail).
     */
    public static void editPackFile(java.util.Map<String, byte[]> files, String name, String from, String to) {
        String text = new String(files.get(name), java.nio.charset.StandardCharsets.UTF_8);
        if (!text.contains(from)) {
            throw new IllegalArgumentException(name + " has no " + from);
        }
        byte[] edited = text.replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!name.equals("manifest.json")) {
            String manifest = new String(files.get("manifest.json"), java.nio.charset.StandardCharsets.UTF_8);
            manifest = manifest.replace(sha256(files.get(name)), sha256(edited));
            files.put("manifest.json", manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        files.put(name, edited);
    }

    /** The shipped default (variable-rate) codec pack's folder in the sources. */
    public static Path defaultCodecPack() {
        return codecPackSources(CodecOptions.DEFAULT_CODEC_PACK);
    }

    /** Its human adaptor's folder in the adaptors module's sources. */
    public static Path defaultHumanPack() {
        return adaptorPackSources(CodecOptions.DEFAULT_HUMAN_ADAPTOR);
    }

    /** The single-rate codec pack shipped before, kept for its bitstreams. */
    public static Path legacyCodecPack() {
        return codecPackSources(CodecOptions.LEGACY_CODEC_PACK_V1);
    }

    public static Path legacyHumanPack() {
        return adaptorPackSources(CodecOptions.LEGACY_HUMAN_ADAPTOR_V1);
    }

    private static Path codecPackSources(String classpathPrefix) {
        return repoRoot().resolve("codec-core/src/main/resources/" + classpathPrefix);
    }

    /** A shipped adaptor pack's folder in the adaptors module's sources, by its classpath prefix. */
    public static Path shippedAdaptorPack(String classpathPrefix) {
        return adaptorPackSources(classpathPrefix);
    }

    private static Path adaptorPackSources(String classpathPrefix) {
        return repoRoot().resolve("adaptors/src/main/resources/" + classpathPrefix);
    }

    public static boolean defaultPacksPresent() {
        return Files.isRegularFile(defaultCodecPack().resolve("manifest.json"))
                && Files.isRegularFile(defaultHumanPack().resolve("manifest.json"));
    }

    public static CodecOptions tinyOptions(int threads) {
        return CodecOptions.defaults()
                .withCodecPacks(List.of(PackSource.directory(tinyCodecPack())))
                .withAdaptorPacks(List.of(PackSource.directory(tinyHumanPack())))
                .withIntraOpThreads(threads);
    }

    public static CodecOptions tinyVrOptions(int threads) {
        return CodecOptions.defaults()
                .withCodecPacks(List.of(PackSource.directory(tinyVrCodecPack())))
                .withAdaptorPacks(List.of(PackSource.directory(tinyVrHumanPack())))
                .withIntraOpThreads(threads);
    }

    /** The shipped default codec pack and its human adaptor, read from the source folders. */
    public static CodecOptions defaultPackOptions(int threads) {
        return CodecOptions.defaults()
                .withCodecPacks(List.of(PackSource.directory(defaultCodecPack())))
                .withAdaptorPacks(List.of(PackSource.directory(defaultHumanPack())))
                .withIntraOpThreads(threads);
    }

    /** The legacy single-rate codec pack and its human adaptor, read from the source folders. */
    public static CodecOptions legacyPackOptions(int threads) {
        return CodecOptions.defaults()
                .withCodecPacks(List.of(PackSource.directory(legacyCodecPack())))
                .withAdaptorPacks(List.of(PackSource.directory(legacyHumanPack())))
                .withIntraOpThreads(threads);
    }

    /** The shared data folder ({@code shared.data.dir}, else {@code ../shared/data} beside the repository). */
    public static Optional<Path> sharedData(String relative) {
        String configured = System.getProperty("shared.data.dir");
        Path base = configured != null ? Path.of(configured) : repoRoot().resolve("../shared/data");
        Path p = base.resolve(relative).normalize();
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    /** The bytes of Kodak image {@code name} (e.g. {@code kodim23.png}); the calling test is skipped without it. */
    public static byte[] kodakOrSkip(String name) {
        Path p = sharedData("kodak/" + name).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(p != null, "Kodak images not found (../shared/data/kodak)");
        return bytes(p);
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(array.get(i).longValue());
        }
        return out;
    }

    /** SHA-256 hex of the values as little-endian int32: the latent digest of testvectors/README.md. */
    public static String digest(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return sha256(b.array());
    }

    /** SHA-256 hex of the values as little-endian float32: the digest of an {@code adaptor_input}. */
    public static String floatDigest(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return sha256(b.array());
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
