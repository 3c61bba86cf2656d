package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.core.TestData;
import dev.lic.proto.v1.AdaptorEntry;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.AdaptorVersion;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Adaptors service through the real gRPC server and the Java client: the lifecycle guarantees of
 * docs/adaptor-registry.md with the shipped human adaptor of the default codec and copies of its float
 * version with the manifest's version bumped. Each test leaves the registry as it found it: the shipped
 * versions 1 (float) and 2 (int8), version 2 active.
 */
@QuarkusTest
class AdaptorsServiceTest {
    /** The default codec's human versions a fresh registry holds, and the active one (the newest). */
    static final List<Integer> SHIPPED = List.of(1, 2);
    static final int SHIPPED_ACTIVE = 2;
    /** The task adaptors ship version 4 alone (versions 1 to 3 had the same weights in slower or larger graphs). */
    static final int TASKS_SHIPPED = 4;
    private ManagedChannel channel;
    private LicClient client;
    private String codecId;
    private byte[] bitstream;

    @BeforeEach
    void connect() throws IOException {
        channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        client = LicClient.over(channel, Duration.ofSeconds(120), Optional.of(AdminCallsTest.TOKEN));
        codecId = client.describe().getDefaultCodecId();
        bitstream = client.encode(TestImages.png(64, 48), false).getBitstream().toByteArray();
    }

    @AfterEach
    void restore() throws InterruptedException {
        AdaptorEntry human = human();
        if (human.getActiveVersion() != SHIPPED_ACTIVE) {
            client.activateAdaptor(codecId, "human", SHIPPED_ACTIVE);
        }
        for (AdaptorVersion v : human().getVersionsList()) {
            if (!SHIPPED.contains(v.getVersion()) && v.getState() != AdaptorState.LOADING) {
                client.deleteAdaptor(codecId, "human", v.getVersion());
            }
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** The shipped float human pack of the default codec with the manifest's version set to {@code version}. */
    static Map<String, byte[]> humanPack(int version) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(TestData.defaultHumanPack())) {
            for (Path f : list.toList()) {
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

    private AdaptorEntry human() {
        return client.listAdaptors().getAdaptorsList().stream()
                .filter(a -> a.getName().equals("human") && a.getCodecId().equals(codecId)).findFirst().orElseThrow();
    }

    private AdaptorVersion version(int v) {
        return human().getVersionsList().stream().filter(s -> s.getVersion() == v).findFirst().orElseThrow();
    }

    private RegisterResponse register(Map<String, byte[]> files, boolean activate) {
        return client.registerAdaptor(files, RegisterHeader.newBuilder().setActivate(activate).build());
    }

    private int decodedVersion() {
        return client.decode(bitstream, "human").getAdaptorVersion();
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String mention) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LicException.class, e -> {
            assertThat(e.getCause()).isInstanceOfSatisfying(StatusRuntimeException.class,
                    s -> assertThat(s.getStatus().getCode()).isEqualTo(code));
            assertThat(e.getMessage()).contains(mention);
        });
    }

    @Test
    void theShippedAdaptorsAreReadyAndTheNewestOfEachIsActive() {
        // (TypedAdaptorsTest registers "test-detection" and "test-segmentation" in the same server: not seeds)
        List<AdaptorEntry> all = client.listAdaptors().getAdaptorsList().stream()
                .filter(a -> !TypedAdaptorsTest.NAMES.contains(a.getName())).toList();
        // human for every codec; the issue-9 task adaptors for the default (encoding) codec
        assertThat(all).extracting(AdaptorEntry::getName).containsOnly("human", "detection", "segmentation");
        assertThat(all).filteredOn(a -> a.getName().equals("human")).hasSize(client.describe().getCodecsCount());
        Map<String, String> tasks = Map.of("human", "image", "detection", "detection", "segmentation", "segmentation");
        for (AdaptorEntry a : all) {
            boolean human = a.getName().equals("human");
            boolean int8Too = human && a.getCodecId().equals(codecId);
            List<Integer> versions = int8Too ? SHIPPED : List.of(human ? 1 : TASKS_SHIPPED);
            assertThat(a.getActiveVersion()).isEqualTo(versions.get(versions.size() - 1));
            assertThat(a.getVersionsList()).extracting(AdaptorVersion::getVersion).containsExactlyElementsOf(versions);
            assertThat(a.getVersionsList()).allSatisfy(v -> {
                assertThat(v.getState()).as(v.getReason()).isEqualTo(AdaptorState.READY);
                assertThat(v.getTask()).isEqualTo(tasks.get(a.getName()));
            });
            if (!a.getName().equals("human")) {
                assertThat(a.getCodecId()).isEqualTo(client.describe().getDefaultCodecId());
            }
        }
        assertThat(AdaptorsGrpcService.MUTATING_METHODS).containsExactlyInAnyOrder("lic.v1.Adaptors/Register",
                "lic.v1.Adaptors/Activate", "lic.v1.Adaptors/Rollback", "lic.v1.Adaptors/Delete");
    }

    @Test
    void theActiveVersionServesWhileV3LoadsThenV3ServesAndRollbackReturnsToIt() throws Exception {
        Map<String, byte[]> v3 = humanPack(3);
        CompletableFuture<RegisterResponse> loading = CompletableFuture.supplyAsync(() -> register(v3, true));
        List<Integer> served = new ArrayList<>();
        while (!loading.isDone()) {
            served.add(decodedVersion()); // never fails while v3 loads and takes over
        }
        RegisterResponse registered = loading.get(120, TimeUnit.SECONDS);
        assertThat(registered.getVersion().getState()).isEqualTo(AdaptorState.READY);
        assertThat(registered.getActiveVersion()).isEqualTo(3);
        assertThat(served).isNotEmpty().allMatch(v -> v == SHIPPED_ACTIVE || v == 3);
        assertThat(decodedVersion()).isEqualTo(3);
        DecodeResponse pinned = client.decode(bitstream, "human", 1);
        assertThat(pinned.getAdaptorVersion()).isEqualTo(1);

        assertThat(client.rollbackAdaptor("", "human").getActiveVersion()).isEqualTo(SHIPPED_ACTIVE);
        assertThat(decodedVersion()).isEqualTo(SHIPPED_ACTIVE);
        assertThat(human().getPreviousVersionsList()).isEmpty();
        assertStatus(() -> client.rollbackAdaptor("", "human"), Status.Code.FAILED_PRECONDITION,
                "no previously active");
    }

    @Test
    void aV3WithAWrongOutputNameIsListedFailedAndTheActiveVersionStays() throws Exception {
        Map<String, byte[]> bad = humanPack(3);
        editManifest(bad, "\"output\": \"image\"", "\"output\": \"rgb\"");
        RegisterResponse r = register(bad, true);
        assertThat(r.getVersion().getState()).isEqualTo(AdaptorState.FAILED);
        assertThat(r.getVersion().getReason()).contains("no output rgb");
        assertThat(r.getActiveVersion()).isEqualTo(SHIPPED_ACTIVE);
        assertThat(version(3).getState()).isEqualTo(AdaptorState.FAILED);
        assertThat(version(3).getReason()).contains("no output rgb");
        assertThat(decodedVersion()).isEqualTo(SHIPPED_ACTIVE);
        assertStatus(() -> client.activateAdaptor("", "human", 3), Status.Code.FAILED_PRECONDITION, "FAILED");
        assertStatus(() -> client.decode(bitstream, "human", 3), Status.Code.NOT_FOUND, "no READY version 3");
    }

    @Test
    void aV3WhoseHashMismatchesIsListedFailedAndTheActiveVersionStays() throws Exception {
        Map<String, byte[]> bad = humanPack(3);
        byte[] graph = bad.get("synthesis.onnx").clone();
        graph[graph.length / 2] ^= 1;
        bad.put("synthesis.onnx", graph);
        RegisterResponse r = register(bad, true);
        assertThat(r.getVersion().getState()).isEqualTo(AdaptorState.FAILED);
        assertThat(r.getVersion().getReason()).contains("SHA-256");
        assertThat(human().getActiveVersion()).isEqualTo(SHIPPED_ACTIVE);
        assertThat(decodedVersion()).isEqualTo(SHIPPED_ACTIVE);
    }

    @Test
    void deletingTheActiveVersionIsFailedPrecondition() throws Exception {
        assertStatus(() -> client.deleteAdaptor("", "human", SHIPPED_ACTIVE), Status.Code.FAILED_PRECONDITION,
                "is active");
        assertStatus(() -> client.deleteAdaptor("", "human", 7), Status.Code.NOT_FOUND, "no version 7");
        assertStatus(() -> client.activateAdaptor("", "human", 0), Status.Code.INVALID_ARGUMENT, "not a version");
        register(humanPack(3), false);
        assertThat(human().getActiveVersion()).isEqualTo(SHIPPED_ACTIVE);
        client.deleteAdaptor("", "human", 3);
        assertThat(human().getVersionsList()).extracting(AdaptorVersion::getVersion).containsExactlyElementsOf(SHIPPED);
    }

    @Test
    void registerRefusesPathTraversalDuplicatesAndOversizedPacks() throws Exception {
        Map<String, byte[]> traversal = humanPack(4);
        traversal.put("../../escape.onnx", new byte[] {1, 2, 3});
        assertStatus(() -> register(traversal, false), Status.Code.INVALID_ARGUMENT, "not a plain file name");
        Map<String, byte[]> absolute = humanPack(4);
        absolute.put("/tmp/escape", new byte[] {1});
        assertStatus(() -> register(absolute, false), Status.Code.INVALID_ARGUMENT, "not a plain file name");

        Map<String, byte[]> huge = humanPack(4);
        huge.put("padding.bin", new byte[17 << 20]); // over %test.lic.adaptors.max-pack-bytes (16 MiB)
        assertStatus(() -> register(huge, false), Status.Code.RESOURCE_EXHAUSTED, "over the limit");

        Map<String, byte[]> noManifest = humanPack(4);
        noManifest.remove("manifest.json");
        assertStatus(() -> register(noManifest, false), Status.Code.FAILED_PRECONDITION, "manifest.json");
        assertStatus(() -> register(humanPack(1), false), Status.Code.FAILED_PRECONDITION, "exists");
        assertStatus(() -> client.registerAdaptor(humanPack(4), RegisterHeader.newBuilder().setVersion(5).build()),
                Status.Code.INVALID_ARGUMENT, "manifest says 4");
        assertThat(human().getVersionsList()).extracting(AdaptorVersion::getVersion).containsExactlyElementsOf(SHIPPED);
        assertThat(Files.exists(Path.of("target/escape.onnx"))).isFalse();
    }

    @Test
    void theClientMapsConflictsToTheirKind() {
        assertThatThrownBy(() -> client.deleteAdaptor("", "human", SHIPPED_ACTIVE)).isInstanceOfSatisfying(
                LicException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    }
}
