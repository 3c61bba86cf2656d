package dev.lic.core.registry;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.TestData;
import dev.lic.core.adaptor.ImageOutput;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per guarantee of the adaptor registry (docs/adaptor-registry.md), with the tiny test codec,
 * real ONNX sessions and a real repository folder: a second version is the tiny human pack with its
 * manifest's {@code version} bumped.
 */
class PackRegistryTest {
    @TempDir
    Path dir;

    private Path repo;
    private Codec codec;
    private byte[] bitstream;
    private String codecId;

    @BeforeEach
    void open() throws IOException {
        repo = dir.resolve("adaptors");
        codec = openCodec();
        codecId = codec.defaultCodecId();
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, (x * 5) << 16 | (y * 7) << 8 | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        bitstream = codec.encode(out.toByteArray(), 0).bitstream();
    }

    private Codec openCodec() {
        return Codec.open(TestData.tinyOptions(1).withAdaptorRepository(repo));
    }

    @AfterEach
    void close() {
        codec.close();
    }

    /** The tiny human pack's files with the manifest's version set to {@code version}. */
    private static Map<String, byte[]> humanPack(int version) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(TestData.tinyHumanPack())) {
            for (Path f : list.sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        editManifest(files, "\"version\": 1", "\"version\": " + version);
        return files;
    }

    private static void editManifest(Map<String, byte[]> files, String from, String to) {
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        assertThat(manifest).contains(from);
        files.put("manifest.json", manifest.replace(from, to).getBytes(StandardCharsets.UTF_8));
    }

    private PackRegistry registry() {
        return codec.registry();
    }

    private PackRegistry.AdaptorStatus human() {
        return registry().list().stream().filter(a -> a.name().equals("human") && a.codecId().equals(codecId))
                .findFirst().orElseThrow();
    }

    private PackRegistry.VersionStatus version(int v) {
        return human().versions().stream().filter(s -> s.version() == v).findFirst().orElseThrow();
    }

    private int decodedVersion() {
        return codec.decode(bitstream, "human").adaptorVersion();
    }

    private PackRegistry.Registered register(Map<String, byte[]> files, boolean activate) throws Exception {
        return registry().register(files, PackRegistry.Expected.ANY, activate).get(60, TimeUnit.SECONDS);
    }

    private static void assertKind(Runnable call, ErrorKind kind, String mention) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LicException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(mention);
        });
    }

    @Test
    void theSeedPackIsVersionOneOnDiskAndActive() {
        assertThat(repo.resolve(codecId).resolve("human/1/synthesis.onnx")).isRegularFile();
        assertThat(repo.resolve(codecId).resolve("human/active.json")).isRegularFile();
        assertThat(human().activeVersion()).isEqualTo(1);
        assertThat(version(1).state()).isEqualTo(PackRegistry.State.READY);
        assertThat(decodedVersion()).isEqualTo(1);
    }

    @Test
    void aFreshRepositoryGetsEverySeededVersionOfANameAndOneThatHasTheNameGetsNone() throws Exception {
        Path v2 = writePack(dir.resolve("seed-v2"), humanPack(2));
        Path v3 = writePack(dir.resolve("seed-v3"), humanPack(3));
        codec.close();
        repo = dir.resolve("fresh");
        codec = Codec.open(TestData.tinyOptions(1).withAdaptorRepository(repo).withAdaptorPacks(
                List.of(PackSource.directory(TestData.tinyHumanPack()), PackSource.directory(v2))));
        assertThat(human().versions()).extracting(PackRegistry.VersionStatus::version).containsExactly(1, 2);
        assertThat(human().activeVersion()).isEqualTo(2); // the newest seeded version
        assertThat(decodedVersion()).isEqualTo(2);

        registry().delete(codecId, "human", 1); // an operator's choice: a restart must not bring it back
        codec.close();
        codec = Codec.open(TestData.tinyOptions(1).withAdaptorRepository(repo).withAdaptorPacks(
                List.of(PackSource.directory(TestData.tinyHumanPack()), PackSource.directory(v2),
                        PackSource.directory(v3))));
        assertThat(human().versions()).extracting(PackRegistry.VersionStatus::version).containsExactly(2);
        assertThat(repo.resolve(codecId).resolve("human/3")).doesNotExist();
        assertThat(human().activeVersion()).isEqualTo(2);
    }

    private static Path writePack(Path folder, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(folder.resolve(f.getKey()), f.getValue());
        }
        return folder;
    }

    @Test
    void v1ServesWhileV2Loads() throws Exception {
        ExecutorService gatedLoader = Executors.newSingleThreadExecutor();
        CountDownLatch gate = new CountDownLatch(1);
        try {
            gatedLoader.execute(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<PackRegistry.Registered> loading = registry().register(humanPack(2),
                    PackRegistry.Expected.ANY, true, gatedLoader);
            assertThat(version(2).state()).isEqualTo(PackRegistry.State.LOADING);
            assertThat(human().activeVersion()).isEqualTo(1);
            assertThat(decodedVersion()).isEqualTo(1);
            assertKind(() -> registry().activate(codecId, "human", 2), ErrorKind.CONFLICT, "LOADING");
            assertKind(() -> registry().delete(codecId, "human", 2), ErrorKind.CONFLICT, "loading");

            gate.countDown();
            assertThat(loading.get(60, TimeUnit.SECONDS).state()).isEqualTo(PackRegistry.State.READY);
            assertThat(human().activeVersion()).isEqualTo(2);
            assertThat(decodedVersion()).isEqualTo(2);
            assertThat(codec.decode(bitstream, "human", 1).adaptorVersion()).isEqualTo(1);
        } finally {
            gate.countDown();
            gatedLoader.shutdownNow();
        }
    }

    @Test
    void aV2WithAWrongOutputNameIsFailedAndV1StaysActive() throws Exception {
        Map<String, byte[]> bad = humanPack(2);
        editManifest(bad, "\"output\": \"image\"", "\"output\": \"pixels\"");
        PackRegistry.Registered status = register(bad, true);
        assertThat(status.state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(status.reason()).contains("no output pixels");
        assertThat(version(2).state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(version(2).reason()).contains("no output pixels");
        assertThat(human().activeVersion()).isEqualTo(1);
        assertThat(decodedVersion()).isEqualTo(1);
        assertKind(() -> registry().activate(codecId, "human", 2), ErrorKind.CONFLICT, "FAILED");
        assertKind(() -> codec.decode(bitstream, "human", 2), ErrorKind.UNKNOWN_ADAPTOR, "no READY version 2");
    }

    @Test
    void aV2WhoseFileHashMismatchesIsFailedAndV1StaysActive() throws Exception {
        Map<String, byte[]> bad = humanPack(3);
        byte[] graph = bad.get("synthesis.onnx").clone();
        graph[graph.length - 1] ^= 1;
        bad.put("synthesis.onnx", graph);
        PackRegistry.Registered status = register(bad, true);
        assertThat(status.state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(status.reason()).contains("SHA-256");
        assertThat(human().activeVersion()).isEqualTo(1);
        assertThat(decodedVersion()).isEqualTo(1);

        // It stays FAILED after a restart, and never replaces the active version.
        codec.close();
        codec = openCodec();
        assertThat(version(3).state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(human().activeVersion()).isEqualTo(1);
    }

    @Test
    void rollbackGoesBackToThePreviouslyActiveVersion() throws Exception {
        assertThat(register(humanPack(2), false).state()).isEqualTo(PackRegistry.State.READY);
        assertThat(human().activeVersion()).isEqualTo(1);
        registry().activate(codecId, "human", 2);
        assertThat(decodedVersion()).isEqualTo(2);

        assertThat(registry().rollback(codecId, "human")).isEqualTo(1);
        assertThat(human().activeVersion()).isEqualTo(1);
        assertThat(decodedVersion()).isEqualTo(1);
        assertKind(() -> registry().rollback(codecId, "human"), ErrorKind.CONFLICT, "no previously active");
    }

    @Test
    void restartKeepsTheActiveVersion() throws Exception {
        register(humanPack(2), false);
        register(humanPack(3), false);
        registry().activate(codecId, "human", 3);
        registry().activate(codecId, "human", 2);
        codec.close();

        codec = openCodec();
        assertThat(human().activeVersion()).isEqualTo(2);
        assertThat(human().previousVersions()).containsExactly(1, 3);
        assertThat(human().versions()).extracting(PackRegistry.VersionStatus::version).containsExactly(1, 2, 3);
        assertThat(decodedVersion()).isEqualTo(2);
        assertThat(registry().rollback(codecId, "human")).isEqualTo(3);
    }

    @Test
    void inFlightRequestsFinishOnTheVersionTheyStartedWith() throws Exception {
        register(humanPack(2), false);
        AdaptorLease lease = registry().lease(codecId, "human", 0);
        assertThat(lease.version()).isEqualTo(1);

        registry().activate(codecId, "human", 2);
        registry().delete(codecId, "human", 1);
        assertThat(human().versions()).extracting(PackRegistry.VersionStatus::version).containsExactly(2);
        assertThat(decodedVersion()).isEqualTo(2);
        assertThat(repo.resolve(codecId).resolve("human/1")).doesNotExist();

        // The old version's session is still open and usable for the request that holds it...
        assertThat(lease.adaptorClosed()).isFalse();
        int m = codec.codecPack(codecId).yChannels();
        ImageOutput out = (ImageOutput) lease.adaptor().run(new float[m * 4], m, 2, 2, 32, 32);
        assertThat(out.planes()).hasSize(3 * 32 * 32);
        // ... and closed when that request ends.
        lease.close();
        assertThat(lease.adaptorClosed()).isTrue();
        assertKind(() -> codec.decode(bitstream, "human", 1), ErrorKind.UNKNOWN_ADAPTOR, "no READY version 1");
    }

    @Test
    void deletingTheActiveVersionIsAConflict() throws Exception {
        assertKind(() -> registry().delete(codecId, "human", 1), ErrorKind.CONFLICT, "is active");
        assertKind(() -> registry().delete(codecId, "human", 9), ErrorKind.UNKNOWN_ADAPTOR, "no version 9");
        assertKind(() -> registry().activate(codecId, "nobody", 1), ErrorKind.UNKNOWN_ADAPTOR, "no adaptor");
        register(humanPack(2), false);
        registry().delete(codecId, "human", 2);
        assertThat(human().versions()).extracting(PackRegistry.VersionStatus::version).containsExactly(1);
    }

    @Test
    void registeringAnExistingVersionOrAnUnloadedCodecIsRefusedAndNothingIsKept() throws Exception {
        assertKind(() -> {
            try {
                registry().register(humanPack(1), PackRegistry.Expected.ANY, false);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, ErrorKind.CONFLICT, "exists");
        Map<String, byte[]> orphan = humanPack(2);
        editManifest(orphan, codecId, "f".repeat(64));
        assertKind(() -> registry().register(orphan, PackRegistry.Expected.ANY, false), ErrorKind.INVALID_PACK,
                "not loaded");
        Map<String, byte[]> v2 = humanPack(2);
        assertKind(() -> registry().register(v2, new PackRegistry.Expected("", "human", 5), false),
                ErrorKind.INVALID_ARGUMENT, "manifest says 2");
        assertThat(human().versions()).hasSize(1);
    }

    @Test
    void concurrentActivateAndDeleteOfOneAdaptorEndConsistent() throws Exception {
        register(humanPack(2), false);
        register(humanPack(3), false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int v = 2 + i % 2;
                calls.add(pool.submit(() -> swallow(() -> registry().activate(codecId, "human", v))));
                calls.add(pool.submit(() -> swallow(() -> registry().delete(codecId, "human", 5 - v))));
                calls.add(pool.submit(() -> swallow(() -> registry().activate(codecId, "human", 1))));
            }
            for (Future<?> f : calls) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        PackRegistry.AdaptorStatus after = human();
        List<Integer> versions = after.versions().stream().map(PackRegistry.VersionStatus::version).toList();
        assertThat(versions).contains(after.activeVersion());
        assertThat(after.previousVersions()).allMatch(versions::contains);
        assertThat(decodedVersion()).isEqualTo(after.activeVersion());
        codec.close();
        codec = openCodec();
        assertThat(human().activeVersion()).isEqualTo(after.activeVersion());
        assertThat(human().versions().stream().map(PackRegistry.VersionStatus::version).toList()).isEqualTo(versions);
    }

    private static void swallow(Runnable call) {
        try {
            call.run();
        } catch (LicException expected) {
            assertThat(expected.kind()).isIn(ErrorKind.CONFLICT, ErrorKind.UNKNOWN_ADAPTOR);
        }
    }

    /** The versions whose sessions are open now, by the listing. */
    private List<Integer> loadedVersions() {
        return human().versions().stream().filter(PackRegistry.VersionStatus::loaded)
                .map(PackRegistry.VersionStatus::version).toList();
    }

    @Test
    void onlyTheActiveVersionAndTheRollbackTargetKeepTheirSessions() throws Exception {
        // Registered without activation: READY and loaded until the adaptor's next change...
        assertThat(register(humanPack(2), false).state()).isEqualTo(PackRegistry.State.READY);
        assertThat(loadedVersions()).containsExactly(1, 2);
        // ... which unloads it: neither active nor the rollback target. It is still listed READY.
        register(humanPack(3), false);
        assertThat(version(2).state()).isEqualTo(PackRegistry.State.READY);
        assertThat(loadedVersions()).containsExactly(1, 3);
        // A request naming it loads it again; it stays loaded until the adaptor's next change.
        assertThat(codec.decode(bitstream, "human", 2).adaptorVersion()).isEqualTo(2);
        assertThat(loadedVersions()).containsExactly(1, 2, 3);

        // Activation switches to a loaded version; the old active version is the rollback target.
        registry().activate(codecId, "human", 3);
        assertThat(loadedVersions()).containsExactly(1, 3);
        // An unloaded one is loaded (and validated) again first.
        registry().activate(codecId, "human", 2);
        assertThat(human().previousVersions()).containsExactly(1, 3);
        assertThat(loadedVersions()).containsExactly(2, 3);
        assertThat(registry().loadedCount()).isEqualTo(2);

        // Never unloaded under a lease: its sessions close when the request ends.
        AdaptorLease lease = registry().lease(codecId, "human", 1);
        assertThat(loadedVersions()).containsExactly(1, 2, 3);
        registry().activate(codecId, "human", 3); // 3 active, 2 the rollback target, 1 spare
        assertThat(loadedVersions()).containsExactly(2, 3);
        assertThat(lease.adaptorClosed()).isFalse();
        int m = codec.codecPack(codecId).yChannels();
        assertThat(((ImageOutput) lease.adaptor().run(new float[m * 4], m, 2, 2, 32, 32)).planes()).hasSize(3 * 32 * 32);
        lease.close();
        assertThat(lease.adaptorClosed()).isTrue();

        // Rollback is immediate (its target is loaded), and every version is still listed READY.
        assertThat(registry().rollback(codecId, "human")).isEqualTo(2);
        assertThat(decodedVersion()).isEqualTo(2);
        assertThat(human().versions()).extracting(PackRegistry.VersionStatus::state)
                .containsOnly(PackRegistry.State.READY);

        // A restart validates every version again, then keeps only the active one and the rollback target.
        codec.close();
        codec = openCodec();
        assertThat(human().activeVersion()).isEqualTo(2);
        assertThat(loadedVersions()).containsExactly(1, 2);
    }

    @Test
    void anUnloadedVersionWhoseFilesChangedFailsWhenItIsNamed() throws Exception {
        register(humanPack(2), false);
        register(humanPack(3), false);
        assertThat(loadedVersions()).containsExactly(1, 3);
        Path graph = repo.resolve(codecId).resolve("human/2/synthesis.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length / 2] ^= 1;
        Files.write(graph, bytes);

        assertKind(() -> codec.decode(bitstream, "human", 2), ErrorKind.UNKNOWN_ADAPTOR, "FAILED");
        assertThat(version(2).state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(version(2).reason()).contains("synthesis.onnx");
        assertKind(() -> registry().activate(codecId, "human", 2), ErrorKind.CONFLICT, "only a READY version");
        assertThat(decodedVersion()).isEqualTo(1);
    }

    @Test
    void uploadsRefusePathTraversalDuplicatesAndOversizedPacks() {
        PackUpload upload = new PackUpload(100);
        assertKind(() -> upload.add("../evil", new byte[1]), ErrorKind.INVALID_ARGUMENT, "not a plain file name");
        assertKind(() -> upload.add("/etc/passwd", new byte[1]), ErrorKind.INVALID_ARGUMENT, "not a plain file name");
        assertKind(() -> upload.add("a/b", new byte[1]), ErrorKind.INVALID_ARGUMENT, "not a plain file name");
        upload.add("a", new byte[10]);
        upload.add("a", new byte[10]);
        upload.add("b", new byte[10]);
        assertKind(() -> upload.add("a", new byte[1]), ErrorKind.INVALID_ARGUMENT, "twice");
        assertThat(upload.files().get("a")).hasSize(20);
        assertKind(() -> upload.add("c", new byte[71]), ErrorKind.TOO_LARGE, "over the limit of 100");
    }
}
