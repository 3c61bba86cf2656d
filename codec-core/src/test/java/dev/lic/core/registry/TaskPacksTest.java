package dev.lic.core.registry;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.Codec;
import dev.lic.core.DecodeResult;
import dev.lic.core.Latents;
import dev.lic.core.TestData;
import dev.lic.core.adaptor.Detection;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.core.adaptor.SegmentationPost;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The typed adaptors end to end in codec-core: the mechanical detection and segmentation packs of
 * testvectors/pack-vr (lic.task_pack) register, pass their bundled self-test and decode a bitstream of the
 * tiny variable-rate codec to the expected boxes and class map; a wrong self-test expectation or a labels
 * count that disagrees with the graph ends FAILED with the reason.
 */
class TaskPacksTest {
    @TempDir
    static Path dir;

    private static final int W = 120;
    private static final int H = 100;
    private static Codec codec;
    private static byte[] bitstream;

    @BeforeAll
    static void open() throws Exception {
        codec = Codec.open(TestData.tinyVrOptions(1).withAdaptorRepository(dir.resolve("adaptors")));
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | (x + y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        bitstream = codec.encode(out.toByteArray(), 3).bitstream();
        for (Path pack : List.of(TestData.tinyVrDetectionPack(), TestData.tinyVrSegmentationPack())) {
            PackRegistry.Registered r = register(TestData.packFiles(pack));
            assertThat(r.state()).as(r.reason()).isEqualTo(PackRegistry.State.READY);
            assertThat(r.activeVersion()).isEqualTo(1);
        }
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static PackRegistry.Registered register(Map<String, byte[]> files) throws Exception {
        return codec.registry().register(files, PackRegistry.Expected.ANY, true).get(60, TimeUnit.SECONDS);
    }

    @Test
    void theTaskPacksReadAsFormatVersion2WithLabelsAndSelfTest() {
        AdaptorPack det = AdaptorPack.load(PackSource.directory(TestData.tinyVrDetectionPack()));
        assertThat(det.formatVersion()).isEqualTo(2);
        assertThat(det.task()).isEqualTo("detection");
        assertThat(det.labels()).containsExactly("person", "car", "dog");
        assertThat(det.selfTest()).hasValueSatisfying(st -> {
            assertThat(st.width()).isEqualTo(120);
            assertThat(st.latentWidth()).isEqualTo(8);
        });
        AdaptorPack seg = AdaptorPack.load(PackSource.directory(TestData.tinyVrSegmentationPack()));
        assertThat(seg.labels()).containsExactly("background", "road", "sky");
    }

    @Test
    void detectionGivesTheConstantGraphsBoxesInOriginalPixels() {
        DecodeResult r = codec.decode(bitstream, "detection");
        assertThat(r.task()).isEqualTo("detection");
        assertThat(r.width()).isEqualTo(W);
        assertThat(r.adaptorVersion()).isEqualTo(1);
        assertThatThrownBy(r::pngBytes).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        // padded 128x128 -> letterbox into 64x64 at scale 0.5: original = input * 2. Input-frame boxes (lic.task_pack.detection_raw): person [12,16,28,40] 0.81 (the
        // 0.64 one beside it is suppressed, IoU 0.6), car [16,12,32,36] 0.63, dog [24,16,56,32] 0.57.
        List<Detection> d = ((DetectionOutput) r.output()).detections();
        assertThat(d).extracting(Detection::label).containsExactly("person", "car", "dog");
        assertDetection(d.get(0), 0, 0.81, 24, 32, 56, 80);
        assertDetection(d.get(1), 1, 0.63, 32, 24, 64, 72);
        assertDetection(d.get(2), 2, 0.57, 48, 32, 112, 64);
    }

    @Test
    void aRequestsScoreThresholdAndNmsIouReplaceThePacksForThatRequestOnly() {
        // A lower threshold adds the 0.1 person at input [40,0,48,8] to the default's boxes.
        List<Detection> low = detections(new TaskOptions(OptionalDouble.of(0.05), OptionalDouble.empty()));
        assertThat(low).extracting(Detection::label).containsExactly("person", "car", "dog", "person");
        assertDetection(low.get(3), 0, 0.1, 80, 0, 96, 16);
        assertThat(low.subList(0, 3)).isEqualTo(detections(TaskOptions.NONE));
        // A looser NMS keeps the 0.64 person (IoU 0.6 with the 0.81 one) that the pack's 0.45 suppresses.
        List<Detection> loose = detections(new TaskOptions(OptionalDouble.empty(), OptionalDouble.of(0.7)));
        assertThat(loose.stream().mapToDouble(Detection::score).toArray())
                .containsExactly(new double[] {0.81, 0.64, 0.63, 0.57}, within(1e-5));
        assertDetection(loose.get(1), 0, 0.64, 32, 32, 64, 80);
        assertThat(detections(new TaskOptions(OptionalDouble.of(0.6), OptionalDouble.of(0.45))))
                .extracting(Detection::label).containsExactly("person", "car");
        assertThat(detections(TaskOptions.NONE)).hasSize(3); // the pack's own values again
    }

    @Test
    void requestSettingsOutOfRangeOrForAnotherTaskAreInvalidArguments() {
        assertThatThrownBy(() -> new TaskOptions(OptionalDouble.of(Double.NaN), OptionalDouble.empty()))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("score_threshold must be a number in [0, 1]");
                });
        assertThatThrownBy(() -> new TaskOptions(OptionalDouble.empty(), OptionalDouble.of(1.5)))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.getMessage()).contains("nms_iou"));
        assertThatThrownBy(() -> new TaskOptions(OptionalDouble.of(-0.1), OptionalDouble.empty()))
                .isInstanceOf(LicException.class);
        TaskOptions low = new TaskOptions(OptionalDouble.of(0.1), OptionalDouble.empty());
        assertThatThrownBy(() -> codec.decode(bitstream, "segmentation", 0, low, Cancellation.NONE))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("apply to detection adaptors only")
                            .contains("adaptor segmentation has task segmentation");
                });
    }

    private static List<Detection> detections(TaskOptions options) {
        DecodeResult r = codec.decode(bitstream, "detection", 0, options, Cancellation.NONE);
        return ((DetectionOutput) r.output()).detections();
    }

    @Test
    void segmentationGivesTheArgmaxOfTheFixedProjectionAtTheOriginalSize() {
        DecodeResult r = codec.decode(bitstream, "segmentation");
        SegmentationOutput seg = (SegmentationOutput) r.output();
        assertThat(seg.width()).isEqualTo(W);
        assertThat(seg.height()).isEqualTo(H);
        assertThat(seg.classMap()).hasSize(W * H);
        assertThat(seg.labels()).containsExactly("background", "road", "sky");
        assertThat(seg.fractions()[0] + seg.fractions()[1] + seg.fractions()[2]).isCloseTo(1.0, within(1e-12));
        // The graph: logits = (2 y0, 2 y1, 0) at stride 16 of y_dec; recompute them here and apply the rule.
        Latents latents = codec.decodeLatents(bitstream);
        float[] y = codec.adaptorInput(latents);
        int h = latents.yHeight();
        int w = latents.yWidth();
        float[] logits = new float[3 * h * w];
        for (int i = 0; i < h * w; i++) {
            logits[i] = 2 * y[i];
            logits[h * w + i] = 2 * y[h * w + i];
        }
        SegmentationOutput want = SegmentationPost.run(logits, 3, h, w, new SegmentationPost.Params(16, true), W, H,
                seg.labels());
        int same = 0;
        for (int i = 0; i < W * H; i++) {
            same += want.classAt(i) == seg.classAt(i) ? 1 : 0;
        }
        assertThat(same).isGreaterThanOrEqualTo(W * H - 2);
        // and at the centre of latent cell (0,0) the class is the sign rule of y_dec there
        int c = y[0] > 0 && y[0] >= y[h * w] ? 0 : y[h * w] > 0 ? 1 : 2;
        assertThat(seg.classAt(8 * W + 8)).isEqualTo(c);
    }

    @Test
    void aWrongSelfTestExpectationEndsFailedWithTheReason() throws Exception {
        Map<String, byte[]> files = TestData.packFiles(TestData.tinyVrDetectionPack());
        TestData.editPackFile(files, "manifest.json", "\"version\": 1", "\"version\": 2");
        TestData.editPackFile(files, "selftest_expected.json", "0.63", "0.73");
        PackRegistry.Registered r = register(files);
        assertThat(r.state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(r.reason()).contains("self-test failed").contains("class 1 score 0.73");
        assertThat(r.activeVersion()).isEqualTo(1);
        assertThat(codec.decode(bitstream, "detection").adaptorVersion()).isEqualTo(1);

        Map<String, byte[]> seg = TestData.packFiles(TestData.tinyVrSegmentationPack());
        TestData.editPackFile(seg, "manifest.json", "\"version\": 1", "\"version\": 2");
        TestData.editPackFile(seg, "selftest_expected.json", "\"min_agreement\": 0.995", "\"min_agreement\": 0.5");
        assertThat(register(seg).reason()).contains("min_agreement in [0.99, 1]");
    }

    @Test
    void aLabelsCountThatDisagreesWithTheGraphEndsFailed() throws Exception {
        Map<String, byte[]> files = TestData.packFiles(TestData.tinyVrSegmentationPack());
        TestData.editPackFile(files, "manifest.json", "\"version\": 1", "\"version\": 3");
        TestData.editPackFile(files, "manifest.json", "\"sky\"", "\"sky\", \"tree\"");
        PackRegistry.Registered r = register(files);
        assertThat(r.state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(r.reason()).contains("self-test failed").contains("has shape [1, 3, 4, 8], expected [1, 4, 4, 8]");

        Map<String, byte[]> det = TestData.packFiles(TestData.tinyVrDetectionPack());
        TestData.editPackFile(det, "manifest.json", "\"version\": 1", "\"version\": 3");
        TestData.editPackFile(det, "labels.txt", "dog\n", "dog\ncat\n");
        assertThat(register(det).reason()).contains("expected [1, 84, 9]");
    }

    @Test
    void aVersion2ImagePackRunsItsSelfTestInsteadOfTheDryRun() throws Exception {
        Path pack = TestData.vectors().resolve("pack-vr/image-v2");
        Map<String, byte[]> files = TestData.packFiles(pack);
        PackRegistry.Registered ok = register(files);
        assertThat(ok.state()).as(ok.reason()).isEqualTo(PackRegistry.State.READY);
        assertThat(ok.version().task()).isEqualTo("image");
        // RGB = sigmoid(y_dec[0..2]) nearest-upsampled: pixel (0,0) is latent cell (0,0)
        DecodeResult r = codec.decode(bitstream, "image-v2");
        float[] y = codec.adaptorInput(codec.decodeLatents(bitstream));
        int plane = codec.decodeLatents(bitstream).yHeight() * codec.decodeLatents(bitstream).yWidth();
        for (int c = 0; c < 3; c++) {
            int want = (int) Math.floor(255 / (1 + Math.exp(-y[c * plane])) + 0.5);
            assertThat(r.rgb()[c] & 0xff).isCloseTo(want, within(1));
        }
        assertThat(r.pngBytes()).isNotEmpty();

        Map<String, byte[]> wrong = TestData.packFiles(pack);
        TestData.editPackFile(wrong, "manifest.json", "\"version\": 1", "\"version\": 2");
        String prefix = "\"rgb\": \"";                       // the first 3 bytes become 255, 255, 255
        String text = new String(wrong.get("selftest_expected.json"), java.nio.charset.StandardCharsets.UTF_8);
        int at = text.indexOf(prefix) + prefix.length();
        TestData.editPackFile(wrong, "selftest_expected.json", prefix + text.substring(at, at + 4), prefix + "////");
        PackRegistry.Registered bad = register(wrong);
        assertThat(bad.state()).isEqualTo(PackRegistry.State.FAILED);
        assertThat(bad.reason()).contains("self-test failed: RGB differs from the expected by max");
    }

    private static void assertDetection(Detection d, int cls, double score, double x0, double y0, double x1,
                                        double y1) {
        assertThat(d.classIndex()).isEqualTo(cls);
        assertThat(d.score()).isCloseTo(score, within(1e-5));
        assertThat(new double[] {d.x0(), d.y0(), d.x1(), d.y1()}).containsExactly(new double[] {x0, y0, x1, y1},
                within(1e-4));
    }
}
