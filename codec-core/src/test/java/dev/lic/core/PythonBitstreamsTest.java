package dev.lic.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * testvectors/python (single-rate test pack), testvectors/python-vr (variable-rate test pack, every rate)
 * and testvectors/python-shipped (the shipped variable-rate pack, every rate): every bitstream of the Python reference encoder decodes to exactly the latents its
 * {@code .expect.json} lists, and to the same adaptor input where it lists one; coding those latents again
 * gives the file byte for byte; and the human adaptor turns it into an image of the right size.
 */
class PythonBitstreamsTest {
    private static Codec codec;
    private static Codec vrCodec;
    private static Codec shippedCodec;

    @BeforeAll
    static void open() {
        codec = Codec.open(TestData.tinyOptions(1));
        vrCodec = Codec.open(TestData.tinyVrOptions(1));
        shippedCodec = Codec.open(TestData.defaultPackOptions(2));
    }

    @AfterAll
    static void close() {
        codec.close();
        vrCodec.close();
        shippedCodec.close();
    }

    @TestFactory
    Stream<DynamicTest> shippedPackPythonBitstreamsDecodeToTheirLatentsAndQuality() throws IOException {
        List<Path> files = Expectations.list(TestData.vectors().resolve("python-shipped"));
        assertThat(files).hasSize(shippedCodec.codecPack(shippedCodec.defaultCodecId()).rates().size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Expectations.check(shippedCodec, f);
            checkPsnrOfTheCrop(f);
        }));
    }

    /** The reference decode's PSNR (torch g_s) and ours (ONNX Runtime) agree to 0.01 dB on the Kodak crop. */
    private static void checkPsnrOfTheCrop(Path expectFile) throws IOException {
        JsonNode expect = TestData.json(expectFile);
        JsonNode crop = expect.get("crop");
        Path kodak = TestData.sharedData("kodak/" + crop.get("image").textValue()).orElse(null);
        Assumptions.assumeTrue(kodak != null, "Kodak images not found (../shared/data/kodak)");
        BufferedImage original = ImageIO.read(kodak.toFile()).getSubimage(crop.get("x").intValue(),
                crop.get("y").intValue(), crop.get("width").intValue(), crop.get("height").intValue());
        byte[] bitstream = TestData.bytes(expectFile.resolveSibling(expect.get("bitstream").textValue()));
        double psnr = KodakTest.psnr(original, shippedCodec.decode(bitstream, "human").rgb());
        assertThat(psnr).as("PSNR").isCloseTo(expect.get("psnr").doubleValue(), within(0.01));
    }

    @TestFactory
    Stream<DynamicTest> variableRatePythonBitstreamsDecodeToTheirLatentsAtEveryRate() throws IOException {
        List<Path> files = Expectations.list(TestData.vectors().resolve("python-vr"));
        int rates = vrCodec.codecPack(vrCodec.defaultCodecId()).rates().size();
        assertThat(files).extracting(f -> TestData.json(f).get("rate_index").intValue()).as("every rate is covered")
                .containsAll(java.util.stream.IntStream.range(0, rates).boxed().toList());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> Expectations.check(vrCodec, f)));
    }

    @TestFactory
    Stream<DynamicTest> pythonBitstreamsDecodeToTheirLatents() throws IOException {
        List<Path> files = Expectations.list(TestData.vectors().resolve("python"));
        assertThat(files).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> Expectations.check(codec, f)));
    }
}
