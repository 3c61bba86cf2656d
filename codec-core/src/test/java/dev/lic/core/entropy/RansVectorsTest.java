package dev.lic.core.entropy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coder-level vectors of testvectors/rans (made by the Python reference): exact bytes both ways. */
class RansVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static List<Path> files(String folder) throws IOException {
        Path dir = TestData.vectors().resolve("rans").resolve(folder);
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> list = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(list).as("vectors in " + dir).isNotEmpty();
            return list;
        }
    }

    private static CdfTables tables(JsonNode v) {
        JsonNode cdfs = v.get("cdfs");
        int[][] c = new int[cdfs.size()][];
        for (int t = 0; t < c.length; t++) {
            c[t] = TestData.ints(cdfs.get(t));
        }
        int[] sizes = v.has("cdf_sizes") ? TestData.ints(v.get("cdf_sizes")) : null;
        if (sizes == null) {
            sizes = new int[c.length];
            for (int t = 0; t < c.length; t++) {
                sizes[t] = c[t].length;
            }
        }
        return new CdfTables(c, sizes, TestData.ints(v.get("offsets")));
    }

    @TestFactory
    Stream<DynamicTest> validStreamsMatchByteForByte() throws IOException {
        return files("valid").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            JsonNode v = TestData.json(file);
            CdfTables tables = tables(v);
            int[] symbols = TestData.ints(v.get("symbols"));
            int[] indexes = TestData.ints(v.get("indexes"));
            byte[] expected = HEX.parseHex(v.get("hex").textValue());
            assertThat(HEX.formatHex(RansEncoder.encode(symbols, indexes, tables))).isEqualTo(v.get("hex").textValue());
            assertThat(RansDecoder.decode(expected, indexes, tables)).containsExactly(symbols);
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidStreamsAreCorrupt() throws IOException {
        return files("invalid_streams").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> {
                    JsonNode v = TestData.json(file);
                    assertThat(v.get("error").textValue()).isEqualTo("CORRUPT_BITSTREAM");
                    CdfTables tables = tables(v);
                    byte[] stream = HEX.parseHex(v.get("hex").textValue());
                    int[] indexes = TestData.ints(v.get("indexes"));
                    assertThatThrownBy(() -> RansDecoder.decode(stream, indexes, tables))
                            .isInstanceOfSatisfying(LicException.class,
                                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_BITSTREAM));
                }));
    }

    @TestFactory
    Stream<DynamicTest> invalidTablesAreRejectedOnLoad() {
        JsonNode all = TestData.json(TestData.vectors().resolve("rans/invalid_tables.json"));
        assertThat(all.size()).isPositive();
        return all.properties().stream().map((Map.Entry<String, JsonNode> e) -> DynamicTest.dynamicTest(e.getKey(), () -> {
            int[] cdf = TestData.ints(e.getValue().get("cdf"));
            assertThatThrownBy(() -> new CdfTables(new int[][] {cdf}, new int[] {cdf.length}, new int[] {0}))
                    .isInstanceOf(IllegalArgumentException.class);
        }));
    }
}
