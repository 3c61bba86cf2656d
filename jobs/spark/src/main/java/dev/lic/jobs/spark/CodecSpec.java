package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.CodecOptions;
import dev.lic.core.Limits;
import dev.lic.core.pack.PackSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What every executor opens as its one {@link dev.lic.core.Codec}: the codec packs bundled in codec-core,
 * the bundled adaptors when decoding (an extra pack with the same codec id and name replaces one), extra
 * adaptor packs read on the driver (their files travel with
 * the job, so executors need no access to the driver's folders), threads per task and size limits.
 *
 * <p>Shipped to executors as a broadcast; {@link #key()} names it in the per-JVM codec cache.
 */
public final class CodecSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean bundledAdaptors;
    /** Extra adaptor packs: where they came from, and their files by plain name. */
    private final List<PackFiles> extraAdaptorPacks;
    private final int threadsPerTask;
    private final long maxPixels;
    private final int maxDimension;
    private final int maxBitstreamBytes;
    private final String key;

    /** One adaptor pack's files, read into memory. */
    public record PackFiles(String origin, Map<String, byte[]> files) implements Serializable {
    }

    private CodecSpec(boolean bundledAdaptors, List<PackFiles> extraAdaptorPacks, int threadsPerTask, Limits limits) {
        this.bundledAdaptors = bundledAdaptors;
        this.extraAdaptorPacks = List.copyOf(extraAdaptorPacks);
        this.threadsPerTask = threadsPerTask;
        this.maxPixels = limits.maxPixels();
        this.maxDimension = limits.maxDimension();
        this.maxBitstreamBytes = limits.maxBitstreamBytes();
        this.key = computeKey();
    }

    /** For encoding: codec packs only (no adaptor sessions to load on the executors). */
    public static CodecSpec forEncoding(int threadsPerTask, Limits limits) {
        return new CodecSpec(false, List.of(), threadsPerTask, limits);
    }

    /** For decoding: the bundled adaptors plus the packs in {@code extraPackDirs}. */
    public static CodecSpec forDecoding(List<Path> extraPackDirs, int threadsPerTask, Limits limits) {
        List<PackFiles> packs = new ArrayList<>();
        for (Path dir : extraPackDirs) {
            packs.add(readPack(dir));
        }
        return new CodecSpec(true, packs, threadsPerTask, limits);
    }

    /** The options {@link ExecutorCodec} opens the codec with. */
    public CodecOptions options() {
        List<PackSource> adaptors = new ArrayList<>();
        if (bundledAdaptors) {
            // an extra pack replaces the bundled one with the same codec id and name (e.g. a newer detection)
            Set<String> replaced = new HashSet<>();
            extraAdaptorPacks.forEach(p -> replaced.add(identity(p.files().get("manifest.json"))));
            for (String prefix : CodecOptions.BUNDLED_ADAPTOR_PACKS) {
                if (!replaced.contains(identity(bundledManifest(prefix)))) {
                    adaptors.add(PackSource.classpath(prefix));
                }
            }
        }
        extraAdaptorPacks.forEach(p -> adaptors.add(PackSource.memory(p.files(), p.origin())));
        return CodecOptions.defaults()
                .withAdaptorPacks(adaptors)
                .withIntraOpThreads(threadsPerTask)
                .withLimits(limits());
    }

    public Limits limits() {
        return new Limits(maxPixels, maxDimension, maxBitstreamBytes);
    }

    /** Equal for specs that open the same codec: settings plus a digest of every extra pack file. */
    public String key() {
        return key;
    }

    private String computeKey() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((bundledAdaptors + "|" + threadsPerTask + "|" + maxPixels + "|" + maxDimension + "|"
                    + maxBitstreamBytes).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (PackFiles pack : extraAdaptorPacks) {
                for (Map.Entry<String, byte[]> file : new TreeMap<>(pack.files()).entrySet()) {
                    digest.update(("|" + file.getKey() + "=").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    digest.update(file.getValue());
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** "codec id/name" of an adaptor manifest; "" when it cannot be read (the loader reports it properly). */
    private static String identity(byte[] manifest) {
        if (manifest == null) {
            return "";
        }
        try {
            JsonNode m = new ObjectMapper().readTree(manifest);
            return m.path("codec_id").asText() + "/" + m.path("name").asText();
        } catch (IOException unreadable) {
            return "";
        }
    }

    private static byte[] bundledManifest(String prefix) {
        try (var in = CodecSpec.class.getClassLoader().getResourceAsStream(prefix + "/manifest.json")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the plain files of a pack folder (a pack has no subfolders); INVALID_ARGUMENT if it is no folder. */
    private static PackFiles readPack(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "adaptor pack " + dir + " is not a folder");
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(Files::isRegularFile).toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read adaptor pack " + dir, e);
        }
        return new PackFiles(dir.toAbsolutePath().normalize().toString(), files);
    }
}
