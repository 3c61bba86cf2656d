package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lic.api.LicException;
import dev.lic.client.LicClient;
import dev.lic.core.CodecOptions;
import dev.lic.core.TestData;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.Detection;
import dev.lic.proto.v1.RegisterHeader;
import dev.lic.proto.v1.SegmentationMap;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trained task adaptors the server ships (issue 9): one Kodak bitstream, encoded once through gRPC, decodes
 * three ways — {@code human} (an image), {@code detection} (YOLOX-nano boxes through the detection T-adaptor)
 * and {@code segmentation} (the CamVid class map through the segmentation T-adaptor). kodim05 shows
 * motorcycles and riders: the detector must find a motorcycle. A pack naming a codec that is not loaded is
 * refused with FAILED_PRECONDITION.
 */
@QuarkusTest
class ShippedTaskAdaptorsTest {
    private ManagedChannel channel;
    private LicClient client;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        client = LicClient.over(channel, Duration.ofSeconds(300), Optional.of(AdminCallsTest.TOKEN));
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void oneBitstreamDecodesForPeopleDetectionAndSegmentation() throws java.io.IOException {
        byte[] png = TestImages.kodak(5);
        byte[] bitstream = client.encode(png, false).getBitstream().toByteArray();

        DecodeResponse human = client.decode(bitstream, "human");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(human.getPng().toByteArray()));
        assertThat(image.getWidth()).isEqualTo(768);
        assertThat(image.getHeight()).isEqualTo(512);

        DecodeResponse det = client.decode(bitstream, "detection");
        assertThat(det.getOutputCase()).isEqualTo(DecodeResponse.OutputCase.DETECTIONS);
        assertThat(det.getDetections().getLabelsCount()).isEqualTo(80);
        assertThat(det.getDetections().getDetectionsList()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.getScore()).isBetween(0.25f, 1f);
            assertThat(d.getX0()).isBetween(0f, d.getX1());
            assertThat(d.getY0()).isBetween(0f, d.getY1());
            assertThat(d.getX1()).isLessThanOrEqualTo(768f);
            assertThat(d.getY1()).isLessThanOrEqualTo(512f);
        });
        assertThat(det.getDetections().getDetectionsList()).extracting(Detection::getLabel).contains("motorcycle");

        DecodeResponse seg = client.decode(bitstream, "segmentation");
        SegmentationMap map = seg.getSegmentation();
        assertThat(map.getWidth()).isEqualTo(768);
        assertThat(map.getHeight()).isEqualTo(512);
        assertThat(map.getLabelsList()).hasSize(11).startsWith("sky", "building");
        assertThat(map.getClasses().size()).isEqualTo(768 * 512);
        assertThat(map.getFractionsList().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void aPackForACodecThatIsNotLoadedIsFailedPrecondition() {
        Map<String, byte[]> files = TestData.packFiles(TestData.shippedAdaptorPack(CodecOptions.DEFAULT_DETECTION_ADAPTOR));
        String codecId = new String(files.get("manifest.json")).replaceAll("(?s).*\"codec_id\": \"([0-9a-f]{64})\".*", "$1");
        TestData.editPackFile(files, "manifest.json", codecId, "ab".repeat(32));
        assertThatThrownBy(() -> client.registerAdaptor(files, RegisterHeader.newBuilder().build()))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.getCause()).isInstanceOfSatisfying(StatusRuntimeException.class,
                            s -> assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
                    assertThat(e.getMessage()).contains("abababab");
                });
    }
}
