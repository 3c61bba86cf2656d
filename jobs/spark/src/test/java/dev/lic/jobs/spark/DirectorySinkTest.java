package dev.lic.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encode job's bitstream folder: content-addressed, idempotent, never a partial file left behind. */
class DirectorySinkTest {
    @TempDir
    Path dir;

    @Test
    void aPutStoresTheBytesUnderTheirSha256() throws IOException {
        DirectorySink sink = new DirectorySink(dir.resolve("bitstreams"));
        byte[] bytes = "a bitstream".getBytes();
        String id = sink.put(bytes);
        assertThat(id).isEqualTo(ContentIds.of(bytes)).matches("[0-9a-f]{64}");
        assertThat(sink.pathOf(id)).isEqualTo(dir.resolve("bitstreams/" + id + ".lic"));
        assertThat(Files.readAllBytes(sink.pathOf(id))).isEqualTo(bytes);
    }

    @Test
    void aSecondPutOfTheSameBytesLeavesOneFileAndNoTemporaries() throws IOException {
        DirectorySink sink = new DirectorySink(dir);
        byte[] bytes = {1, 2, 3};
        assertThat(sink.put(bytes)).isEqualTo(sink.put(bytes));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(sink.pathOf(ContentIds.of(bytes)));
        }
    }

    @Test
    void aDamagedObjectIsRewrittenWithTheRightBytes() throws IOException {
        DirectorySink sink = new DirectorySink(dir);
        byte[] bytes = {9, 8, 7, 6};
        String id = ContentIds.of(bytes);
        Files.write(sink.pathOf(id), new byte[] {9, 8}); // e.g. left by a copy that was cut short
        assertThat(sink.put(bytes)).isEqualTo(id);
        assertThat(Files.readAllBytes(sink.pathOf(id))).isEqualTo(bytes);
    }

    @Test
    void outputsArePathsOrFileUrisOnly() {
        assertThat(Outputs.localPath("/data/out")).isEqualTo(Path.of("/data/out"));
        assertThat(Outputs.localPath("lic-data/out")).isEqualTo(Path.of("lic-data/out"));
        assertThat(Outputs.localPath("file:///data/out")).isEqualTo(Path.of("/data/out"));
        assertThat(Outputs.localPath("s3a://bucket/out")).isNull();
        assertThat(Outputs.localPath("hdfs://nn:8020/out")).isNull();
    }
}
