package dev.lic.core;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * testvectors/python: every bitstream of the Python reference encoder decodes, with the test pack, to
 * exactly the latents its {@code .expect.json} lists; coding those latents again gives the file byte for
 * byte; and the human adaptor turns it into an image of the right size.
 */
class PythonBitstreamsTest {
    private static Codec codec;

    @BeforeAll
    static void open() {
        codec = Codec.open(TestData.tinyOptions(1));
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    @TestFactory
    Stream<DynamicTest> pythonBitstreamsDecodeToTheirLatents() throws IOException {
        List<Path> files = Expectations.list(TestData.vectors().resolve("python"));
        assertThat(files).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> Expectations.check(codec, f)));
    }
}
