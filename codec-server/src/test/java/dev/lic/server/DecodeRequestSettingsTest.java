package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detection;
import dev.lic.proto.v1.ImageFormat;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lic.cli.Main;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DecodeRequest's per-request settings through the real gRPC server: the shipped detection adaptor's score
 * threshold and NMS IoU (issue 9) and raw RGB instead of PNG (issue 10), with their refusals.
 */
@QuarkusTest
class DecodeRequestSettingsTest {
    private ManagedChannel channel;
    private LicClient client;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        client = LicClient.over(channel, Duration.ofSeconds(300));
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static DecodeRequest.Builder request(byte[] bitstream, String adaptor) {
        return DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(bitstream)).setAdaptor(adaptor);
    }

    @Test
    void aLowerScoreThresholdGivesASupersetOfTheDefaultBoxes() throws Exception {
        byte[] bitstream = client.encode(TestImages.kodak(5), false).getBitstream().toByteArray();
        List<Detection> pack = client.decode(request(bitstream, "detection").build()).getDetections()
                .getDetectionsList();
        List<Detection> at25 = client.decode(request(bitstream, "detection").setScoreThreshold(0.25f).build())
                .getDetections().getDetectionsList();
        List<Detection> low = client.decode(request(bitstream, "detection").setScoreThreshold(0.05f).build())
                .getDetections().getDetectionsList();
        assertThat(at25).as("the shipped pack's threshold is 0.25").isEqualTo(pack);
        assertThat(pack).isNotEmpty().allSatisfy(d -> assertThat(d.getScore()).isGreaterThanOrEqualTo(0.25f));
        assertThat(low).containsAll(pack).hasSizeGreaterThan(pack.size())
                .anySatisfy(d -> assertThat(d.getScore()).isLessThan(0.25f))
                .allSatisfy(d -> assertThat(d.getScore()).isGreaterThanOrEqualTo(0.05f));

        // NMS IoU 0: no two boxes of a class may overlap at all; 1: nothing is suppressed.
        List<Detection> strict = client.decode(request(bitstream, "detection").setScoreThreshold(0.05f)
                .setNmsIou(0f).build()).getDetections().getDetectionsList();
        List<Detection> none = client.decode(request(bitstream, "detection").setScoreThreshold(0.05f)
                .setNmsIou(1f).build()).getDetections().getDetectionsList();
        assertThat(strict.size()).isLessThan(low.size());
        assertThat(none.size()).isGreaterThan(low.size());
        for (Detection a : strict) {
            for (Detection b : strict) {
                if (a != b && a.getClassIndex() == b.getClassIndex()) {
                    assertThat(overlap(a, b)).as("%s / %s", a, b).isFalse();
                }
            }
        }
    }

    private static boolean overlap(Detection a, Detection b) {
        return Math.min(a.getX1(), b.getX1()) > Math.max(a.getX0(), b.getX0())
                && Math.min(a.getY1(), b.getY1()) > Math.max(a.getY0(), b.getY0());
    }

    @Test
    void settingsOutOfRangeOrForAnotherTaskAreInvalidArgument() throws Exception {
        byte[] bitstream = client.encode(TestImages.png(64, 48), false).getBitstream().toByteArray();
        assertInvalid(request(bitstream, "detection").setScoreThreshold(1.5f), "score_threshold must be a number in [0, 1]");
        assertInvalid(request(bitstream, "detection").setScoreThreshold(Float.NaN), "score_threshold");
        assertInvalid(request(bitstream, "detection").setNmsIou(-0.1f), "nms_iou must be a number in [0, 1]");
        assertInvalid(request(bitstream, "human").setScoreThreshold(0.1f),
                "apply to detection adaptors only; adaptor human has task image");
        assertInvalid(request(bitstream, "segmentation").setNmsIou(0.5f), "adaptor segmentation has task segmentation");
        assertInvalid(request(bitstream, "human").setImageFormatValue(7), "image_format 7");
    }

    private void assertInvalid(DecodeRequest.Builder request, String message) {
        assertThatThrownBy(() -> client.decode(request.build())).isInstanceOfSatisfying(LicException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.getCause()).isInstanceOfSatisfying(StatusRuntimeException.class,
                    s -> assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        });
    }

    @Test
    void rawRgbIsExactlyThePixelsOfThePngDecode() throws Exception {
        byte[] bitstream = client.encode(TestImages.png(150, 90), false).getBitstream().toByteArray();
        DecodeResponse png = client.decode(request(bitstream, "human").build());
        DecodeResponse raw = client.decode(request(bitstream, "human").setImageFormat(ImageFormat.IMAGE_FORMAT_RAW_RGB)
                .build());
        assertThat(png.getOutputCase()).isEqualTo(DecodeResponse.OutputCase.PNG);
        assertThat(raw.getOutputCase()).isEqualTo(DecodeResponse.OutputCase.RGB);
        assertThat(raw.getWidth()).isEqualTo(150);
        assertThat(raw.getHeight()).isEqualTo(90);
        assertThat(raw.getTask()).isEqualTo("image");
        assertThat(raw.getRgb().toByteArray()).isEqualTo(TestImages.pixels(png.getPng().toByteArray()));
        // Other tasks are unaffected by the image form.
        DecodeResponse det = client.decode(request(bitstream, "detection")
                .setImageFormat(ImageFormat.IMAGE_FORMAT_RAW_RGB).build());
        assertThat(det.getOutputCase()).isEqualTo(DecodeResponse.OutputCase.DETECTIONS);
    }

    @Test
    void cliOnlineAsksTheServerForRawPixelsAndDetectionSettings(@TempDir Path dir) throws Exception {
        byte[] bitstream = client.encode(TestImages.kodak(5), false).getBitstream().toByteArray();
        Path lic = dir.resolve("k.lic");
        Files.write(lic, bitstream);
        String server = "localhost:9001";
        Path raw = dir.resolve("k.rgb");
        assertThat(Main.run("decode", lic.toString(), "--format", "raw", "-o", raw.toString(), "--server", server))
                .isZero();
        byte[] png = client.decode(request(bitstream, "human").build()).getPng().toByteArray();
        assertThat(Files.readAllBytes(raw)).hasSize(768 * 512 * 3).isEqualTo(TestImages.pixels(png));

        Path boxes = dir.resolve("k.json");
        assertThat(Main.run("decode", lic.toString(), "--adaptor", "detection", "--score-threshold", "0.05",
                "--nms-iou", "0.5", "-o", boxes.toString(), "--server", server)).isZero();
        List<Detection> want = client.decode(request(bitstream, "detection").setScoreThreshold(0.05f).setNmsIou(0.5f)
                .build()).getDetections().getDetectionsList();
        JsonNode got = new ObjectMapper().readTree(boxes.toFile()).path("detections");
        assertThat(got).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).path("score").floatValue()).isEqualTo(want.get(i).getScore());
            assertThat(got.get(i).path("class").asInt()).isEqualTo(want.get(i).getClassIndex());
        }
        assertThat(Main.run("decode", lic.toString(), "--score-threshold", "0.05", "-o", dir.resolve("x.png").toString(),
                "--server", server)).as("human: INVALID_ARGUMENT").isEqualTo(2);
    }
}
