package dev.lic.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.CodecOptions;
import dev.lic.core.EncodeResult;
import dev.lic.core.Limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encode job in local mode ({@code local[2]}) on the 24 Kodak images plus four bad files: a truncated
 * PNG, a text file, an image over the pixel limit and a file over the byte limit. The job runs once; each
 * test checks one property of what it wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncodeJobTest {
    /** Kodak images have 393,216 pixels; the 700x600 image is over this. */
    private static final long MAX_PIXELS = 400_000;
    private static final long MAX_IMAGE_BYTES = 2_000_000;

    private Path tmp;
    private List<Path> kodak;
    private EncodeJob.Settings settings;
    private EncodeSummary summary;
    private Map<String, Row> bySource;

    @BeforeAll
    void encodeTheCorpus(@TempDir Path dir) throws IOException {
        tmp = dir;
        kodak = TestSpark.kodak();
        Path input = tmp.resolve("input");
        for (Path image : kodak) {
            TestSpark.write(input.resolve("kodak").resolve(image.getFileName()), Files.readAllBytes(image));
        }
        byte[] kodim01 = Files.readAllBytes(kodak.get(0));
        TestSpark.write(input.resolve("bad/truncated.png"), Arrays.copyOf(kodim01, 5000));
        TestSpark.write(input.resolve("bad/notes.txt"), "not an image".getBytes());
        TestSpark.write(input.resolve("bad/huge.png"), TestSpark.png(700, 600));
        byte[] noise = new byte[(int) MAX_IMAGE_BYTES + 1];
        new Random(1).nextBytes(noise);
        TestSpark.write(input.resolve("bad/big.png"), noise);

        settings = new EncodeJob.Settings(input.toString(), new DirectorySink(tmp.resolve("out/bitstreams")),
                tmp.resolve("out/table").toString(), null, OptionalInt.empty(), MAX_IMAGE_BYTES,
                new Limits(MAX_PIXELS, Limits.DEFAULT_MAX_DIMENSION, Limits.DEFAULT_MAX_BITSTREAM_BYTES), 1, 0, false);
        summary = EncodeJob.run(TestSpark.session(), settings);
        bySource = TestSpark.session().read().parquet(settings.table()).collectAsList().stream()
                .collect(Collectors.toMap(r -> Path.of(java.net.URI.create(r.getAs("source_path"))).getFileName()
                        .toString(), Function.identity()));
    }

    @Test
    void everyFileIsARowAndTheSummaryCountsThem() {
        assertThat(bySource).hasSize(kodak.size() + 4);
        assertThat(summary.images()).isEqualTo(kodak.size() + 4);
        assertThat(summary.encoded()).isEqualTo(kodak.size());
        assertThat(summary.failed()).isEqualTo(4);
        long bytes = bySource.values().stream().filter(r -> r.getAs("status").equals(EncodeTable.OK))
                .mapToLong(r -> r.<Long>getAs("size")).sum();
        assertThat(summary.bytes()).isEqualTo(bytes);
        assertThat(summary.format()).contains("images 28: encoded 24, failed 4", "bytes " + bytes, "mean bpp ");
    }

    @Test
    void theTableReadsBackWithItsSchema() {
        Dataset<Row> table = TestSpark.session().read().parquet(settings.table());
        assertThat(table.schema().fieldNames()).containsExactly(EncodeTable.SCHEMA.fieldNames());
        assertThat(table.filter("status = 'ok' and width = 768 and height = 512").count()
                + table.filter("status = 'ok' and width = 512 and height = 768").count()).isEqualTo(kodak.size());
    }

    @Test
    void eachBitstreamIsStoredUnderItsContentIdWithItsSizeAndBpp() throws IOException {
        DirectorySink sink = (DirectorySink) settings.sink();
        for (Path image : kodak) {
            Row row = bySource.get(image.getFileName().toString());
            assertThat(row.<String>getAs("status")).isEqualTo(EncodeTable.OK);
            String id = row.getAs("id");
            byte[] stored = Files.readAllBytes(sink.pathOf(id));
            assertThat(ContentIds.of(stored)).isEqualTo(id);
            assertThat(row.<Long>getAs("size")).isEqualTo(stored.length);
            int pixels = row.<Integer>getAs("width") * row.<Integer>getAs("height");
            assertThat(row.<Double>getAs("bpp")).isCloseTo(stored.length * 8.0 / pixels, within(1e-9));
            assertThat(row.<String>getAs("error_kind")).isNull();
        }
    }

    @Test
    void bppMatchesTheCodecRunDirectly() throws IOException {
        try (Codec codec = Codec.open(CodecOptions.defaults().withAdaptorPacks(List.of()).withIntraOpThreads(1))) {
            int defaultRate = codec.codecPack(codec.defaultCodecId()).defaultRate();
            for (Path image : List.of(kodak.get(0), kodak.get(11), kodak.get(kodak.size() - 1))) {
                EncodeResult direct = codec.encode(Files.readAllBytes(image));
                Row row = bySource.get(image.getFileName().toString());
                assertThat(row.<String>getAs("codec_id")).isEqualTo(direct.codecId());
                assertThat(row.<Integer>getAs("rate")).isEqualTo(defaultRate);
                assertThat(row.<Double>getAs("bpp")).as(image.toString())
                        .isCloseTo(direct.bitsPerPixel(), within(0.005 * direct.bitsPerPixel()));
            }
        }
    }

    @Test
    void badFilesAreFailedRowsWithTheirReason() {
        assertFailed("truncated.png", ErrorKind.INVALID_IMAGE, "PNG image");
        assertFailed("notes.txt", ErrorKind.INVALID_IMAGE, "not a PNG or JPEG image");
        assertFailed("huge.png", ErrorKind.TOO_LARGE, "700x600");
        assertFailed("big.png", ErrorKind.TOO_LARGE, "over the limit of 2000000 bytes");
        assertThat(summary.failures()).extracting(EncodeSummary.Failure::errorKind)
                .containsExactlyInAnyOrder("TOO_LARGE", "INVALID_IMAGE", "TOO_LARGE", "INVALID_IMAGE");
        assertThat(summary.format()).contains("bad/notes.txt: INVALID_IMAGE not a PNG or JPEG image");
    }

    @Test
    void oneCodecServesEveryTaskOfTheJvm() {
        // 28 files in several partitions, run by two task threads and the driver's check: one open.
        assertThat(ExecutorCodec.openedCount(CodecSpec.forEncoding(1, settings.limits()))).isEqualTo(1);
    }

    @Test
    void anExistingTableIsRefusedWithoutOverwrite() {
        assertThatThrownBy(() -> EncodeJob.run(TestSpark.session(), settings))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("--overwrite");
                });
    }

    @Test
    void aRateTheCodecLacksIsRefusedBeforeAnyTask() {
        EncodeJob.Settings bad = new EncodeJob.Settings(settings.input(), settings.sink(),
                tmp.resolve("other").toString(), null, OptionalInt.of(99), MAX_IMAGE_BYTES, settings.limits(), 1, 0,
                false);
        assertThatThrownBy(() -> EncodeJob.run(TestSpark.session(), bad))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("rate index 99");
                });
    }

    private void assertFailed(String name, ErrorKind kind, String reason) {
        Row row = bySource.get(name);
        assertThat(row).as(name).isNotNull();
        assertThat(row.<String>getAs("status")).isEqualTo(EncodeTable.FAILED);
        assertThat(row.<String>getAs("error_kind")).as(name).isEqualTo(kind.name());
        assertThat(row.<String>getAs("error_reason")).as(name).contains(reason);
        assertThat(row.<String>getAs("id")).isNull();
        assertThat(row.<Long>getAs("size")).isNull();
    }
}
