package dev.lic.core.hyper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.core.TestData;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** testvectors/hyper: the test pack's integer h_s on given z_hat must give exactly the Python values. */
class HyperVectorsTest {
    @TestFactory
    Stream<DynamicTest> hyperSynthesisMatchesThePythonReference() throws IOException {
        CodecPack pack = CodecPack.load(PackSource.directory(TestData.tinyCodecPack()));
        List<Path> files;
        try (Stream<Path> s = Files.list(TestData.vectors().resolve("hyper"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        ScaleIndexer indexer = pack.entropyTables().scaleIndexer();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            JsonNode v = TestData.json(file);
            assertThat(v.get("codec_id").textValue()).as("vector made with the test pack").isEqualTo(pack.codecId());
            int[] shape = TestData.ints(v.get("z_hat").get("shape"));
            int[] z = TestData.ints(v.get("z_hat").get("values"));
            HyperOutput out = pack.hyperSynthesis().run(z, shape[1], shape[2]);
            assertThat(new int[] {out.channels(), out.height(), out.width()})
                    .containsExactly(TestData.ints(v.get("scale_q").get("shape")));
            assertThat(out.scaleQ()).containsExactly(TestData.ints(v.get("scale_q").get("values")));
            assertThat(out.meanQ()).containsExactly(TestData.ints(v.get("mean_q").get("values")));
            assertThat(indexer.indexes(out.scaleQ())).containsExactly(TestData.ints(v.get("scale_index").get("values")));
        }));
    }
}
