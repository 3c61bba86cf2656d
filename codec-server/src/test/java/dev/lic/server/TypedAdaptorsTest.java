package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lic.client.LicClient;
import dev.lic.core.Codec;
import dev.lic.core.DecodeResult;
import dev.lic.core.TestData;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.core.pack.PackSource;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detection;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.RegisterResponse;
import dev.lic.proto.v1.SegmentationMap;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lic.cli.Main;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed adaptors through the real gRPC server: the mechanical detection and segmentation packs of the
 * default codec (testvectors/task-packs-default, written by {@code lic.make_test_pack --task-packs}) register,
 * pass their bundled self-test and decode one bitstream to the expected boxes and class map in
 * {@code DecodeResponse.output}; a pack with a wrong self-test expectation ends FAILED with the reason.
 * The versions stay registered (an active version cannot be deleted); other tests ignore these names.
 */
@QuarkusTest
class TypedAdaptorsTest {
    /** The mechanical packs are registered under these names (the shipped packs own "detection", "segmentation"). */
    static final List<String> NAMES = List.of("test-detection", "test-segmentation");
    private static final Path PACKS = TestData.vectors().resolve("task-packs-default");

    private ManagedChannel channel;
    private LicClient client;
    private byte[] bitstream;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        client = LicClient.over(channel, Duration.ofSeconds(120), Optional.of(AdminCallsTest.TOKEN));
        for (String name : NAMES) {
            boolean ready = client.listAdaptors().getAdaptorsList().stream().anyMatch(a -> a.getName().equals(name)
                    && a.getActiveVersion() == 1);
            if (!ready) {
                RegisterResponse r = client.registerAdaptor(mechanicalPack(name),
                        RegisterHeader.newBuilder().setActivate(true).build());
                assertThat(r.getVersion().getState()).as(r.getVersion().getReason()).isEqualTo(AdaptorState.READY);
                assertThat(r.getVersion().getTask()).isEqualTo(task(name));
            }
        }
        bitstream = client.encode(TestImages.png(120, 100), false).getBitstream().toByteArray();
    }

    static String task(String name) {
        return name.substring("test-".length());
    }

    /** The mechanical pack of {@code name}'s task, renamed to {@code name}. */
    static Map<String, byte[]> mechanicalPack(String name) {
        Map<String, byte[]> files = TestData.packFiles(PACKS.resolve(task(name)));
        TestData.editPackFile(files, "manifest.json", "\"name\": \"" + task(name) + "\"", "\"name\": \"" + name + "\"");
        return files;
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void detectionReturnsTheKnownBoxesInOriginalPixels() {
        DecodeResponse r = client.decode(bitstream, "test-detection");
        assertThat(r.getOutputCase()).isEqualTo(DecodeResponse.OutputCase.DETECTIONS);
        assertThat(r.getTask()).isEqualTo("detection");
        assertThat(r.getPng().isEmpty()).isTrue();
        assertThat(r.getWidth()).isEqualTo(120);
        assertThat(r.getDetections().getLabelsList()).containsExactly("person", "car", "dog");
        // padded 128x128 letterboxed into the graph's 64x64 at scale 0.5: original = input-frame box * 2
        List<Detection> d = r.getDetections().getDetectionsList();
        assertThat(d).hasSize(3);
        assertDetection(d.get(0), 0, "person", 0.81f, 24, 32, 56, 80);
        assertDetection(d.get(1), 1, "car", 0.63f, 32, 24, 64, 72);
        assertDetection(d.get(2), 2, "dog", 0.57f, 48, 32, 112, 64);
        assertThat(client.decode(bitstream, "human").getOutputCase()).isEqualTo(DecodeResponse.OutputCase.PNG);
    }

    @Test
    void segmentationReturnsTheClassMapOfTheInProcessDecoder() {
        DecodeResponse r = client.decode(bitstream, "test-segmentation");
        assertThat(r.getTask()).isEqualTo("segmentation");
        SegmentationMap map = r.getSegmentation();
        assertThat(map.getWidth()).isEqualTo(120);
        assertThat(map.getHeight()).isEqualTo(100);
        assertThat(map.getBytesPerPixel()).isEqualTo(1);
        assertThat(map.getClasses().size()).isEqualTo(120 * 100);
        assertThat(map.getLabelsList()).containsExactly("background", "road", "sky");
        long[] counts = new long[3];
        for (byte b : map.getClasses().toByteArray()) {
            counts[b]++;
        }
        for (int c = 0; c < 3; c++) {
            assertThat(map.getFractions(c)).isCloseTo(counts[c] / 12000.0, within(1e-12));
        }
        // the same pack decoded in process (codec-core, the shipped default codec) gives the same map
        try (Codec local = Codec.open(TestData.defaultPackOptions(1).withAdaptorPacks(List.of(
                PackSource.directory(TestData.defaultHumanPack()), PackSource.directory(PACKS.resolve("segmentation")))))) {
            DecodeResult want = local.decode(bitstream, "segmentation");
            assertThat(map.getClasses().toByteArray()).isEqualTo(((SegmentationOutput) want.output()).classMap());
        }
    }

    @Test
    void aWrongSelfTestExpectationEndsFailedAndTheActiveVersionKeepsServing() {
        Map<String, byte[]> files = mechanicalPack("test-detection");
        TestData.editPackFile(files, "manifest.json", "\"version\": 1", "\"version\": 7");
        TestData.editPackFile(files, "selftest_expected.json", "0.81", "0.91");
        RegisterResponse r = client.registerAdaptor(files, RegisterHeader.newBuilder().setActivate(true).build());
        assertThat(r.getVersion().getState()).isEqualTo(AdaptorState.FAILED);
        assertThat(r.getVersion().getReason()).contains("self-test failed").contains("score 0.91");
        assertThat(client.decode(bitstream, "test-detection").getAdaptorVersion()).isEqualTo(1);
        client.deleteAdaptor(r.getCodecId(), "test-detection", 7);
    }

    @Test
    void cliDecodeWritesJsonForDetectionAndAClassPngPlusJsonForSegmentation(@TempDir Path dir) throws Exception {
        Path lic = dir.resolve("in.lic");
        Files.write(lic, bitstream);
        String server = "localhost:9001";
        Path boxes = dir.resolve("boxes.json");
        assertThat(Main.run("decode", lic.toString(), "--adaptor", "test-detection", "-o", boxes.toString(), "--server",
                server)).isZero();
        JsonNode det = new ObjectMapper().readTree(boxes.toFile());
        assertThat(det.path("task").asText()).isEqualTo("detection");
        assertThat(det.path("width").asInt()).isEqualTo(120);
        assertThat(det.path("detections").get(0).path("label").asText()).isEqualTo("person");
        assertThat(det.path("detections").get(0).path("box").get(3).asDouble()).isCloseTo(80, within(1e-3));
        Path map = dir.resolve("map.png");
        assertThat(Main.run("decode", lic.toString(), "--adaptor", "test-segmentation", "-o", map.toString(), "--server",
                server)).isZero();
        BufferedImage png = ImageIO.read(map.toFile());
        assertThat(png.getWidth()).isEqualTo(120);
        assertThat(png.getHeight()).isEqualTo(100);
        JsonNode seg = new ObjectMapper().readTree(dir.resolve("map.json").toFile());
        assertThat(seg.path("class_map_png").asText()).isEqualTo("map.png");
        assertThat(seg.path("classes")).hasSize(3);
    }

    private static void assertDetection(Detection d, int cls, String label, float score, float x0, float y0, float x1,
                                        float y1) {
        assertThat(d.getClassIndex()).isEqualTo(cls);
        assertThat(d.getLabel()).isEqualTo(label);
        assertThat(d.getScore()).isCloseTo(score, within(1e-5f));
        assertThat(new float[] {d.getX0(), d.getY0(), d.getX1(), d.getY1()})
                .containsExactly(new float[] {x0, y0, x1, y1}, within(1e-3f));
    }
}
