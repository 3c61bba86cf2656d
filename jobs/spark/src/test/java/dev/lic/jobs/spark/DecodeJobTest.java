package dev.lic.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.DecodeResult;
import dev.lic.core.Limits;
import dev.lic.core.TestData;
import dev.lic.core.adaptor.Detection;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;
import dev.lic.core.pack.PackSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decode job in local mode: three Kodak bitstreams (made by codec-core directly), a truncated one, a
 * file that is no bitstream, and a file the glob skips; through the bundled {@code human} adaptor and the
 * mechanical detection and segmentation packs of the default codec (testvectors/task-packs-default). Each
 * result is compared with the same decode run by codec-core directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecodeJobTest {
    private static final Path PACKS = TestData.vectors().resolve("task-packs-default");

    private Path tmp;
    private Path input;
    private Codec direct;
    private final Map<String, byte[]> bitstreams = new java.util.TreeMap<>();
    private final Map<String, Path> sources = new java.util.HashMap<>();

    @BeforeAll
    void makeBitstreams(@TempDir Path dir) throws IOException {
        tmp = dir;
        List<Path> kodak = TestSpark.kodak();
        direct = Codec.open(CodecOptions.defaults().withIntraOpThreads(1).withAdaptorPacks(List.of(
                PackSource.classpath(CodecOptions.DEFAULT_HUMAN_ADAPTOR),
                PackSource.classpath(CodecOptions.DEFAULT_HUMAN_ADAPTOR_INT8), // the active human, as in the job
                PackSource.directory(PACKS.resolve("detection")),
                PackSource.directory(PACKS.resolve("segmentation")))));
        input = tmp.resolve("bitstreams");
        DirectorySink sink = new DirectorySink(input);
        for (Path image : List.of(kodak.get(0), kodak.get(3), kodak.get(22))) {
            byte[] bitstream = direct.encode(Files.readAllBytes(image), 0).bitstream();
            String id = sink.put(bitstream);
            bitstreams.put(id, bitstream);
            sources.put(id, image);
        }
        byte[] first = bitstreams.values().iterator().next();
        TestSpark.write(input.resolve("bad/truncated.lic"), Arrays.copyOf(first, first.length / 2));
        TestSpark.write(input.resolve("bad/junk.lic"), "no bitstream".getBytes());
        TestSpark.write(input.resolve("bad/readme.txt"), "skipped: not *.lic".getBytes());
    }

    @AfterAll
    void close() {
        direct.close();
    }

    @Test
    void humanWritesOnePngPerBitstreamAndListsTheBadOnes() throws IOException {
        DecodeSummary summary = DecodeJob.run(spark(), settings("human", "human", List.of()));
        assertThat(summary.bitstreams()).isEqualTo(5);
        assertThat(summary.decoded()).isEqualTo(3);
        assertThat(summary.pngs()).isEqualTo(3);
        assertThat(summary.task()).isEqualTo("image");
        Map<String, Row> rows = rowsById(tmp.resolve("human/decoded"));
        for (Map.Entry<String, byte[]> b : bitstreams.entrySet()) {
            Row row = rows.get(b.getKey());
            assertThat(row.<String>getAs("status")).isEqualTo(EncodeTable.OK);
            assertThat(row.<String>getAs("adaptor")).isEqualTo("human");
            Path png = Path.of(row.<String>getAs("output_path"));
            assertThat(png).isEqualTo(tmp.resolve("human/png/" + b.getKey() + ".png"));
            BufferedImage decoded = ImageIO.read(png.toFile());
            BufferedImage original = ImageIO.read(sources.get(b.getKey()).toFile());
            assertThat(decoded.getWidth()).isEqualTo(original.getWidth()).isEqualTo(row.<Integer>getAs("width"));
            assertThat(decoded.getHeight()).isEqualTo(original.getHeight());
            // The same decode through codec-core directly gives the same pixels.
            assertThat(Files.readAllBytes(png)).isEqualTo(direct.decode(b.getValue(), "human").pngBytes());
        }
        List<Row> failed = rows.values().stream().filter(r -> r.getAs("status").equals(EncodeTable.FAILED)).toList();
        assertThat(failed).extracting(r -> r.<String>getAs("error_kind"))
                .containsExactlyInAnyOrder(ErrorKind.CORRUPT_BITSTREAM.name(), ErrorKind.INVALID_BITSTREAM.name());
        assertThat(summary.format()).contains("bitstreams 5: decoded 3, failed 2", "bad/junk.lic: INVALID_BITSTREAM");
    }

    @Test
    void detectionsBecomeOneRowPerBox() {
        DecodeSummary summary = DecodeJob.run(spark(), settings("detection", "detection",
                List.of(PACKS.resolve("detection"))));
        assertThat(summary.decoded()).isEqualTo(3);
        List<Row> boxes = spark().read().parquet(tmp.resolve("detection/detections").toString())
                .orderBy("id", "score").collectAsList();
        assertThat(spark().read().parquet(tmp.resolve("detection/detections").toString()).schema().fieldNames())
                .containsExactly("id", "class", "label", "score", "x0", "y0", "x1", "y1");
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, byte[]> b : bitstreams.entrySet()) {
            DetectionOutput out = (DetectionOutput) direct.decode(b.getValue(), "detection").output();
            assertThat(out.detections()).isNotEmpty();
            out.detections().stream().sorted(java.util.Comparator.comparingDouble(Detection::score))
                    .forEach(d -> expected.add(b.getKey() + " " + d.classIndex() + " " + d.label() + " " + d.score()
                            + " " + d.x0() + " " + d.y0() + " " + d.x1() + " " + d.y1()));
        }
        assertThat(boxes).extracting(r -> r.getString(0) + " " + r.getInt(1) + " " + r.getString(2) + " "
                + r.getDouble(3) + " " + r.getDouble(4) + " " + r.getDouble(5) + " " + r.getDouble(6) + " "
                + r.getDouble(7)).containsExactlyElementsOf(expected);
        assertThat(summary.detections()).isEqualTo(expected.size());
    }

    @Test
    void segmentationGivesEachClassShare() {
        DecodeJob.run(spark(), settings("segmentation", "segmentation", List.of(PACKS.resolve("segmentation"))));
        Map<String, List<Row>> byId = spark().read().parquet(tmp.resolve("segmentation/segmentation").toString())
                .orderBy("id", "class").collectAsList().stream()
                .collect(Collectors.groupingBy(r -> r.getString(0)));
        assertThat(byId.keySet()).isEqualTo(bitstreams.keySet());
        for (Map.Entry<String, byte[]> b : bitstreams.entrySet()) {
            SegmentationOutput out = (SegmentationOutput) direct.decode(b.getValue(), "segmentation").output();
            assertThat(byId.get(b.getKey())).extracting(r -> r.getDouble(3))
                    .containsExactly(Arrays.stream(out.fractions()).boxed().toArray(Double[]::new));
            assertThat(byId.get(b.getKey())).extracting(r -> r.getString(2)).containsExactlyElementsOf(out.labels());
        }
    }

    @Test
    void anAdaptorThatIsNotLoadedIsRefusedBeforeAnyTask() {
        assertThatThrownBy(() -> DecodeJob.run(spark(), settings("no-such-task", "nodetector", List.of())))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_ADAPTOR);
                    assertThat(e.getMessage()).contains("--adaptor-pack");
                });
        assertThat(tmp.resolve("nodetector")).doesNotExist();
    }

    private DecodeJob.Settings settings(String adaptor, String out, List<Path> packs) {
        return new DecodeJob.Settings(input.toString(), tmp.resolve(out), adaptor, 0, packs, true,
                DecodeJob.DEFAULT_GLOB, Limits.defaults(), 1, 0, false);
    }

    private static SparkSession spark() {
        return TestSpark.session();
    }

    private static Map<String, Row> rowsById(Path table) {
        return TestSpark.session().read().parquet(table.toString()).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("id"), r -> r));
    }
}
