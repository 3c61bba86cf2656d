package dev.lic.core;

import dev.lic.core.pack.CodecPack;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kodak kodim23 through the shipped variable-rate pack at every rate: both the size and the quality rise
 * with the rate index, and each rate lands where it did when these windows were measured.
 */
class VariableRateKodakTest {
    /** Measured bpp of kodim23 per rate index with the shipped pack; each test window is +-20 %. */
    private static final double[] MEASURED_BPP = {0.0929, 0.1206, 0.1570, 0.2054, 0.2685, 0.3538, 0.4411, 0.5518};
    /** Measured PSNR (dB), same runs; each test window is +-1 dB. */
    private static final double[] MEASURED_PSNR = {28.43, 29.57, 30.80, 31.98, 33.22, 34.57, 35.58, 36.61};

    @Test
    void everyRateDecodesWithRisingSizeAndQuality() throws IOException {
        byte[] png = TestData.kodakOrSkip("kodim23.png");
        var original = ImageIO.read(new ByteArrayInputStream(png));
        try (Codec codec = Codec.open(TestData.defaultPackOptions(2))) {
            CodecPack pack = codec.codecPack(codec.defaultCodecId());
            assertThat(pack.rates()).hasSize(MEASURED_PSNR.length);
            double previousBpp = 0;
            double previousPsnr = 0;
            for (CodecPack.Rate rate : pack.rates()) {
                EncodeResult e = codec.encode(png, rate.index());
                DecodeResult d = codec.decode(e.bitstream(), "human");
                double psnr = KodakTest.psnr(original, d.rgb());
                System.out.printf(Locale.ROOT, "kodim23 rate %d: %.4f bpp, %.3f dB%n", rate.index(),
                        e.bitsPerPixel(), psnr);
                assertThat(d.width()).isEqualTo(768);
                assertThat(d.height()).isEqualTo(512);
                assertThat(e.bitsPerPixel()).as("bpp at rate %d", rate.index()).isGreaterThan(previousBpp);
                assertThat(psnr).as("PSNR at rate %d", rate.index()).isGreaterThan(previousPsnr);
                double bpp = MEASURED_BPP[rate.index()];
                assertThat(e.bitsPerPixel()).as("bpp at rate %d", rate.index()).isBetween(0.8 * bpp, 1.2 * bpp);
                double db = MEASURED_PSNR[rate.index()];
                assertThat(psnr).as("PSNR at rate %d", rate.index()).isBetween(db - 1, db + 1);
                previousBpp = e.bitsPerPixel();
                previousPsnr = psnr;
            }
        }
    }
}
