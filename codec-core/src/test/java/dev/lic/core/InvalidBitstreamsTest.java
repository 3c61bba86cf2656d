package dev.lic.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * testvectors/invalid (single-rate test pack) and testvectors/invalid-vr (variable-rate test pack): every
 * broken bitstream gives the error kind of index.json, on every entry point.
 */
class InvalidBitstreamsTest {
    private static Codec codec;
    private static Codec vrCodec;

    @BeforeAll
    static void open() {
        codec = Codec.open(TestData.tinyOptions(1));
        vrCodec = Codec.open(TestData.tinyVrOptions(1));
    }

    @AfterAll
    static void close() {
        codec.close();
        vrCodec.close();
    }

    @TestFactory
    Stream<DynamicTest> eachFileGivesItsErrorKind() {
        return cases(codec, TestData.vectors().resolve("invalid"));
    }

    @TestFactory
    Stream<DynamicTest> eachVariableRateFileGivesItsErrorKind() {
        return cases(vrCodec, TestData.vectors().resolve("invalid-vr"));
    }

    private static Stream<DynamicTest> cases(Codec codec, Path dir) {
        JsonNode index = TestData.json(dir.resolve("index.json"));
        assertThat(index.size()).isPositive();
        return index.properties().stream().map((Map.Entry<String, JsonNode> e) ->
                DynamicTest.dynamicTest(e.getKey() + " -> " + e.getValue().textValue(), () -> {
                    byte[] data = TestData.bytes(dir.resolve(e.getKey()));
                    ErrorKind expected = ErrorKind.valueOf(e.getValue().textValue());
                    assertKind(catchThrowable(() -> codec.decodeLatents(data)), expected);
                    assertKind(catchThrowable(() -> codec.decode(data, "human")), expected);
                }));
    }

    private static void assertKind(Throwable thrown, ErrorKind expected) {
        assertThat(thrown).isInstanceOf(LicException.class);
        assertThat(((LicException) thrown).kind()).as(thrown.getMessage()).isEqualTo(expected);
    }
}
