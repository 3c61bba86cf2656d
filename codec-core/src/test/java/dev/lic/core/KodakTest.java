package dev.lic.core;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real photo (Kodak kodim01, 768x512) through the shipped default pack at its default rate (the test pack
 * until that is exported): the bitstream does not depend on the thread count, and the decoded image is a
 * plausible copy.
 */
class KodakTest {
    @Test
    void bitstreamIsIndependentOfThreadCountAndDecodes() throws IOException {
        byte[] png = TestData.kodakOrSkip("kodim01.png");
        boolean real = TestData.defaultPacksPresent();
        EncodeResult one;
        EncodeResult two;
        try (Codec codec = Codec.open(real ? TestData.defaultPackOptions(1) : TestData.tinyOptions(1))) {
            one = codec.encode(png);
        }
        try (Codec codec = Codec.open(real ? TestData.defaultPackOptions(2) : TestData.tinyOptions(2))) {
            two = codec.encode(png);
            assertThat(two.bitstream()).isEqualTo(one.bitstream());
            codec.decode(two.bitstream(), "human"); // warm up
            DecodeResult decoded = codec.decode(two.bitstream(), "human");
            assertThat(decoded.width()).isEqualTo(768);
            assertThat(decoded.height()).isEqualTo(512);
            double psnr = psnr(ImageIO.read(new ByteArrayInputStream(png)), decoded.rgb());
            EncodeTimings e = codec.encode(png).timings();
            DecodeTimings d = decoded.timings();
            System.out.printf(Locale.ROOT, "kodim01 (%s pack): %.4f bpp, PSNR %.2f dB%n"
                            + "  encode ms: image %.1f, analysis %.1f, h_s %.1f, entropy %.1f, container %.2f%n"
                            + "  decode ms: parse %.2f, z %.2f, h_s %.1f, y %.1f, synthesis %.1f, output %.1f%n",
                    real ? "default" : "test", one.bitsPerPixel(), psnr,
                    ms(e.imageReadNanos()), ms(e.analysisNanos()), ms(e.hyperSynthesisNanos()),
                    ms(e.entropyCodingNanos()), ms(e.containerNanos()),
                    ms(d.parseNanos()), ms(d.zDecodeNanos()), ms(d.hyperSynthesisNanos()), ms(d.yDecodeNanos()),
                    ms(d.synthesisNanos()), ms(d.imageOutputNanos()));
            if (real) {
                assertThat(one.bitsPerPixel()).isBetween(0.05, 3.0);
                assertThat(psnr).isGreaterThan(20.0);
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double psnr(BufferedImage original, byte[] rgb) {
        double se = 0;
        int w = original.getWidth();
        int h = original.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = original.getRGB(x, y);
                int p = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int a = (argb >> (16 - 8 * c)) & 0xFF;
                    int d = a - (rgb[p + c] & 0xFF);
                    se += d * d;
                }
            }
        }
        double mse = se / (3.0 * w * h);
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
