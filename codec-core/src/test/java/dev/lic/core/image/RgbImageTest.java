package dev.lic.core.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class RgbImageTest {
    @Test
    void clampsRoundsAndCrops() {
        // planes 3 x 2 x 3 (h x w), cropped to 2 x 1
        float[] planes = {
            -0.5f, 0.5f, 9f, 0f, 0f, 0f,
            1f / 255f * 0.49f, 1f / 255f * 0.51f, 0f, 0f, 0f, 0f,
            Float.NaN, 2f, 0f, 0f, 0f, 0f};
        RgbImage image = RgbImage.fromPlanes(planes, 3, 2, 2, 1);
        assertThat(image.rgb()).containsExactly(0, 0, 0, (byte) 128, 1, (byte) 255);
    }

    @Test
    void toByteClampsAndRoundsHalfUpLikeTheBranchingDefinition() {
        java.util.Random random = new java.util.Random(5);
        float[] edges = {Float.NaN, Float.NEGATIVE_INFINITY, -1e30f, -1f, -0.003f, -0.0019f, -0f, 0f, Float.MIN_VALUE,
            0.5f / 255f, 0.49999f / 255f, 0.5f, 254.5f / 255f, 0.99999f, 1f, 1.0001f, 3f, 1e30f, Float.POSITIVE_INFINITY};
        for (int i = 0; i < 2_000_000 + edges.length; i++) {
            float v = i < edges.length ? edges[i] : (float) (random.nextDouble() * 1.2 - 0.1);
            int want = !(v > 0f) ? 0 : v >= 1f ? 255 : (int) (v * 255f + 0.5f);
            if (RgbImage.toByte(v) != want) {
                assertThat(RgbImage.toByte(v)).as("v = %s", v).isEqualTo(want);
            }
        }
    }

    @Test
    void pngRoundTripsExactly() throws IOException {
        byte[] rgb = new byte[5 * 3 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 37);
        }
        byte[] png = PngWriter.write(new RgbImage(5, 3, rgb));
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(read.getWidth()).isEqualTo(5);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int p = (y * 5 + x) * 3;
                int expected = (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | rgb[p + 2] & 0xFF;
                assertThat(read.getRGB(x, y) & 0xFFFFFF).isEqualTo(expected);
            }
        }
    }
}
