package dev.lic.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lic.core.Limits;
import dev.lic.core.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The PNG writer's output, read back by ImageIO (an independent decoder), gives exactly the pixels written. */
class PngWriterTest {

    @Test
    void aKodakImageRoundTripsExactlyThroughImageIo() throws IOException {
        Optional<Path> kodak = TestData.sharedData("kodak/kodim23.png");
        assumeTrue(kodak.isPresent(), "Kodak images not found");
        PaddedImage padded = ImageReader.read(Files.readAllBytes(kodak.get()), Limits.defaults());
        RgbImage image = fromPlanes(padded);
        byte[] png = PngWriter.write(image);
        assertThat(rgbOf(ImageIO.read(new ByteArrayInputStream(png)))).isEqualTo(image.rgb());
        assertThat(png.length).as("filtered rows compress below the raw size").isLessThan(image.rgb().length * 3 / 4);
    }

    @Test
    void noiseAndTinyShapesRoundTripExactly() throws IOException {
        Random random = new Random(7);
        for (int[] size : new int[][] {{1, 1}, {1, 9}, {9, 1}, {2, 3}, {257, 130}}) {
            byte[] rgb = new byte[size[0] * size[1] * 3];
            random.nextBytes(rgb); // every residual the filter can produce, incl. wrap-around
            RgbImage image = new RgbImage(size[0], size[1], rgb);
            BufferedImage read = ImageIO.read(new ByteArrayInputStream(PngWriter.write(image)));
            assertThat(read.getWidth()).isEqualTo(size[0]);
            assertThat(read.getHeight()).isEqualTo(size[1]);
            assertThat(rgbOf(read)).as("%dx%d", size[0], size[1]).isEqualTo(rgb);
        }
    }

    @Test
    void greyClassMapsRoundTripExactlyAndTheirRunsCompress() throws IOException {
        int w = 320;
        int h = 200;
        byte[] classes = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                classes[y * w + x] = (byte) (x < 100 ? 0 : y < 120 ? 7 : 200);
            }
        }
        byte[] png = PngWriter.writeGrey(classes, w, h);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(read.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        byte[] back = new byte[w * h];
        read.getRaster().getDataElements(0, 0, w, h, back);
        assertThat(back).isEqualTo(classes);
        assertThat(png.length).as("runs become a few bytes").isLessThan(1000);
    }

    @Test
    void aSizeThatDoesNotMatchThePixelsIsRefused() {
        assertThatThrownBy(() -> PngWriter.writeGrey(new byte[10], 3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePaethPredictorFollowsTheSpecificationsTieOrder() {
        assertThat(PngWriter.paethPredictor(10, 10, 10)).isEqualTo(10);
        assertThat(PngWriter.paethPredictor(5, 9, 5)).as("p = 9: b is exact").isEqualTo(9);
        assertThat(PngWriter.paethPredictor(9, 5, 5)).as("p = 9: a is exact").isEqualTo(9);
        assertThat(PngWriter.paethPredictor(1, 2, 3)).as("p = 0: a is nearest").isEqualTo(1);
        assertThat(PngWriter.paethPredictor(200, 0, 100)).as("p = 100: c exact").isEqualTo(100);
    }

    @Test
    void thePaethPredictorEqualsTheSpecificationsIfChainForEveryByteTriple() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c++) {
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    int want = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    if (PngWriter.paethPredictor(a, b, c) != want) {
                        assertThat(PngWriter.paethPredictor(a, b, c)).as("a %d b %d c %d", a, b, c).isEqualTo(want);
                    }
                }
            }
        }
    }

    private static RgbImage fromPlanes(PaddedImage padded) {
        float[] planes = padded.planes();
        int pw = padded.paddedWidth();
        int ph = padded.paddedHeight();
        return RgbImage.fromPlanes(planes, pw, ph, padded.width(), padded.height());
    }

    private static byte[] rgbOf(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return rgb;
    }
}
