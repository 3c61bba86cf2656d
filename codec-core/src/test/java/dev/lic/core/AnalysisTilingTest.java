package dev.lic.core;

import dev.lic.core.onnx.AnalysisTiling;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiled analysis (docs/memory.md) gives the whole-image encode's integer symbols (z_hat and the quantised
 * y at every rate tested), for both shipped codecs: Kodak images cut into 4-position (256 px) cores, and a
 * 1536x1024 mosaic with the default tiling; the tiled bitstreams decode. With
 * {@code -Dlic.tiling.survey=true} it also prints the table of docs/memory.md (margins 0..3 on 6 Kodak
 * images): slow, not for CI.
 */
class AnalysisTilingTest {
    /** Never tiles (every test image fits one tile). */
    private static final AnalysisTiling WHOLE = new AnalysisTiling(1000, 0);
    /** Small cores with the default margin: Kodak's 12x8 z positions become 3x2 tiles. */
    private static final AnalysisTiling SMALL = new AnalysisTiling(4, AnalysisTiling.DEFAULT.margin());

    @Test
    void defaultCodecTilesGiveTheWholeImageSymbols() throws IOException {
        check(TestData.defaultPackOptions(2), "hyperprior-vr", new int[] {0, 7});
    }

    @Test
    void legacyCodecTilesGiveTheWholeImageSymbols() throws IOException {
        check(TestData.legacyPackOptions(2), "hyperprior-s", new int[] {0});
    }

    private static void check(CodecOptions options, String name, int[] rates) throws IOException {
        Assumptions.assumeTrue(TestData.sharedData("kodak/kodim01.png").isPresent() && TestData.defaultPacksPresent(),
                "Kodak images or packs not found");
        byte[] kodim01 = kodak(1);
        try (Codec whole = Codec.open(options.withAnalysisTiling(WHOLE));
             Codec small = Codec.open(options.withAnalysisTiling(SMALL));
             Codec standard = Codec.open(options)) {
            assertThat(standard.analysisTiling()).isEqualTo(AnalysisTiling.DEFAULT);
            if (Boolean.getBoolean("lic.tiling.survey")) {
                survey(options, name, whole);
            }
            // Kodak fits one default tile: its encode is the whole-image encode, bit for bit.
            assertThat(AnalysisTiling.DEFAULT.whole(8, 12)).isTrue();
            assertThat(standard.encode(kodim01).bitstream()).isEqualTo(whole.encode(kodim01).bitstream());
            for (int rate : rates) {
                byte[] reference = whole.encode(kodim01, rate).bitstream();
                byte[] tiled = small.encode(kodim01, rate).bitstream();
                assertExact(compare(whole, name + " kodim01 rate " + rate + ", 4-position cores, default margin",
                        reference, tiled));
            }
            byte[] mosaic = mosaic(kodim01, kodak(2));
            assertThat(AnalysisTiling.DEFAULT.tileCount(16, 24)).isEqualTo(6); // 1536x1024 is tiled by default
            OptionalInt rate = OptionalInt.empty();
            byte[] reference = whole.encode(mosaic, whole.defaultCodecId(), rate).bitstream();
            byte[] tiled = standard.encode(mosaic, standard.defaultCodecId(), rate).bitstream();
            assertExact(compare(whole, name + " 1536x1024 mosaic, default tiling", reference, tiled));
            DecodeResult decoded = standard.decode(tiled, "human");
            assertThat(decoded.width()).isEqualTo(1536);
            assertThat(decoded.height()).isEqualTo(1024);
        }
    }

    /** Margins 0..3 on 6 Kodak images (3x2 tiles each) at the lowest, default and highest rate. */
    private static void survey(CodecOptions options, String name, Codec whole) throws IOException {
        int rateCount = whole.codecPack(whole.defaultCodecId()).rates().size();
        List<Integer> rates = rateCount == 1 ? List.of(0) : List.of(0, rateCount / 2, rateCount - 1);
        for (int margin = 0; margin <= 3; margin++) {
            long differing = 0;
            long total = 0;
            int max = 0;
            try (Codec tiled = Codec.open(options.withAnalysisTiling(new AnalysisTiling(4, margin)))) {
                for (int image : new int[] {1, 4, 8, 13, 19, 23}) {
                    byte[] png = kodak(image);
                    for (int rate : rates) {
                        Diff d = compare(whole, null, whole.encode(png, rate).bitstream(),
                                tiled.encode(png, rate).bitstream());
                        differing += d.differing;
                        total += d.total;
                        max = Math.max(max, d.max);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "analysis tiling survey: %s margin %d: %d of %d symbols differ "
                    + "(%.5f %%), max |diff| %d%n", name, margin, differing, total, 100.0 * differing / total, max);
        }
    }

    /**
     * Measured (docs/memory.md): identical symbols on the project's VM. Allowed: float rounding that another
     * CPU's kernels might flip at a rounding boundary, 1 step on at most 1 symbol in 10,000.
     */
    private static void assertExact(Diff d) {
        assertThat(d.max).isLessThanOrEqualTo(1);
        assertThat(d.differing).isLessThanOrEqualTo(d.total / 10_000);
    }

    private record Diff(int max, long differing, long total) {
    }

    /** Symbols (z_hat, then q) of two bitstreams of one image; prints the difference when {@code what} is set. */
    private static Diff compare(Codec codec, String what, byte[] a, byte[] b) {
        Latents la = codec.decodeLatents(a);
        Latents lb = codec.decodeLatents(b);
        List<int[][]> pairs = new ArrayList<>(List.of(new int[][] {la.zHat(), lb.zHat()}, new int[][] {la.q(), lb.q()}));
        int max = 0;
        long differing = 0;
        long total = 0;
        for (int[][] p : pairs) {
            assertThat(p[1]).hasSameSizeAs(p[0]);
            for (int i = 0; i < p[0].length; i++) {
                int d = Math.abs(p[0][i] - p[1][i]);
                if (d != 0) {
                    differing++;
                    max = Math.max(max, d);
                }
            }
            total += p[0].length;
        }
        if (what != null) {
            System.out.printf(Locale.ROOT, "analysis tiling: %s: %d of %d symbols differ, max |diff| %d%n", what,
                    differing, total, max);
        }
        return new Diff(max, differing, total);
    }

    private static byte[] kodak(int index) throws IOException {
        return TestData.bytes(TestData.sharedData(String.format(Locale.ROOT, "kodak/kodim%02d.png", index))
                .orElseThrow());
    }

    /** A 1536x1024 image: two Kodak photos side by side, then the same pair mirrored below. */
    static byte[] mosaic(byte[] first, byte[] second) throws IOException {
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(first));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(second));
        BufferedImage out = new BufferedImage(1536, 1024, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, 768, 0, null);
        g.drawImage(b, 768, 1024, 0, 512, 0, 0, 768, 512, null);
        g.drawImage(a, 1536, 1024, 768, 512, 0, 0, 768, 512, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }
}
