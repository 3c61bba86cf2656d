package dev.lic.core.image;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Limits;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReaderTest {
    private static final Limits LIMITS = Limits.defaults();

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ImageIO.write(image, format, out)).isTrue();
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static BufferedImage rgb(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 3 & 0xFF) << 16 | (y * 5 & 0xFF) << 8 | (x + y) & 0xFF);
            }
        }
        return image;
    }

    /** A PNG made only of a signature and an IHDR chunk claiming {@code w x h}: no pixel data at all. */
    static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(w).putInt(h);
        b.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static void assertKind(byte[] bytes, ErrorKind kind) {
        assertThatThrownBy(() -> ImageReader.read(bytes, LIMITS))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void readsRgbPngExactlyAndPadsByEdgeReplication() {
        BufferedImage src = rgb(70, 3);
        PaddedImage p = ImageReader.read(encode(src, "png"), LIMITS);
        assertThat(p.width()).isEqualTo(70);
        assertThat(p.height()).isEqualTo(3);
        assertThat(p.paddedWidth()).isEqualTo(128);
        assertThat(p.paddedHeight()).isEqualTo(64);
        int plane = 128 * 64;
        int argb = src.getRGB(69, 2);
        assertThat(p.planes()[2 * 128 + 69]).isEqualTo(((argb >> 16) & 0xFF) / 255f);
        assertThat(p.planes()[plane + 2 * 128 + 69]).isEqualTo(((argb >> 8) & 0xFF) / 255f);
        assertThat(p.planes()[2 * plane + 2 * 128 + 69]).isEqualTo((argb & 0xFF) / 255f);
        // right edge replicated along the row, bottom row replicated downwards, corner from the corner
        assertThat(p.planes()[2 * 128 + 127]).isEqualTo(p.planes()[2 * 128 + 69]);
        assertThat(p.planes()[63 * 128 + 5]).isEqualTo(p.planes()[2 * 128 + 5]);
        assertThat(p.planes()[2 * plane + 63 * 128 + 127]).isEqualTo(p.planes()[2 * plane + 2 * 128 + 69]);
    }

    @Test
    void convertsGreyAlphaPaletteAnd16Bit() {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 2, 0, 200);
        PaddedImage g = ImageReader.read(encode(grey, "png"), LIMITS);
        int at = 2 * 64 + 1;
        assertThat(new float[] {g.planes()[at], g.planes()[64 * 64 + at], g.planes()[2 * 64 * 64 + at]})
                .containsOnly(200 / 255f);

        BufferedImage alpha = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(1, 2, 0x10_20_40_80);
        PaddedImage a = ImageReader.read(encode(alpha, "png"), LIMITS);
        assertThat(a.planes()[at]).isEqualTo(0x20 / 255f);
        assertThat(a.planes()[2 * 64 * 64 + at]).isEqualTo(0x80 / 255f);

        BufferedImage grey16 = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(1, 2, 0, 65535);
        grey16.getRaster().setSample(2, 2, 0, 32768);
        PaddedImage s = ImageReader.read(encode(grey16, "png"), LIMITS);
        assertThat(s.planes()[at]).isEqualTo(1f);
        assertThat(s.planes()[at + 1]).isEqualTo(32768 / 65535f);

        byte[] r = {0, (byte) 255};
        byte[] gg = {0, 10};
        byte[] b = {0, 20};
        BufferedImage palette = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, r, gg, b));
        WritableRaster raster = palette.getRaster();
        raster.setSample(1, 2, 0, 1);
        PaddedImage pal = ImageReader.read(encode(palette, "png"), LIMITS);
        assertThat(pal.planes()[at]).isEqualTo(1f);
        assertThat(pal.planes()[64 * 64 + at]).isEqualTo(10 / 255f);
    }

    @Test
    void readsJpeg() {
        PaddedImage p = ImageReader.read(encode(rgb(33, 65), "jpeg"), LIMITS);
        assertThat(p.width()).isEqualTo(33);
        assertThat(p.paddedHeight()).isEqualTo(128);
    }

    @Test
    void rejectsOversizedImagesFromTheHeaderAlone() {
        // 100000 x 100000 x 3 bytes would be 30 GB: the header is all there is, and all that is read.
        assertKind(pngHeaderOnly(100_000, 100_000), ErrorKind.TOO_LARGE);
        assertKind(pngHeaderOnly(20_000, 10), ErrorKind.TOO_LARGE); // one side over maxDimension
        Limits small = new Limits(1000, 100, 1 << 20);
        assertThatThrownBy(() -> ImageReader.read(encode(rgb(40, 30), "png"), small))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
        assertThatThrownBy(() -> ImageReader.read(encode(rgb(40, 30), "jpeg"), small))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
    }

    @Test
    void rejectsWhatIsNotAReadableImage() {
        assertKind(new byte[0], ErrorKind.INVALID_IMAGE);
        assertKind("GIF89a....".getBytes(), ErrorKind.INVALID_IMAGE);
        byte[] garbage = new byte[500];
        new java.util.Random(3).nextBytes(garbage);
        assertKind(garbage, ErrorKind.INVALID_IMAGE);
        byte[] png = encode(rgb(64, 64), "png");
        assertKind(Arrays.copyOf(png, png.length / 2), ErrorKind.INVALID_IMAGE);
        assertKind(Arrays.copyOf(png, 20), ErrorKind.INVALID_IMAGE);
        assertKind(pngHeaderOnly(10, 10), ErrorKind.INVALID_IMAGE); // fine header, no pixel data
        byte[] jpeg = encode(rgb(64, 64), "jpeg");
        assertKind(Arrays.copyOf(jpeg, jpeg.length / 2), ErrorKind.INVALID_IMAGE);
        assertKind(Arrays.copyOf(jpeg, 3), ErrorKind.INVALID_IMAGE);
    }

    @Test
    void aPngChunkThatFailsItsCrcIsInvalidImage() {
        byte[] png = encode(rgb(64, 64), "png");
        assertThat(ImageReader.read(png, LIMITS).width()).isEqualTo(64);
        byte[] badIhdrCrc = png.clone();
        badIhdrCrc[8 + 8 + 13] ^= 1; // IHDR's CRC: the decoder never looks at it
        assertThatThrownBy(() -> ImageReader.read(badIhdrCrc, LIMITS)).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e).hasMessageContaining("chunk 0 (IHDR) fails its CRC")
                        .extracting(LicException::kind).isEqualTo(ErrorKind.INVALID_IMAGE));
        byte[] badPixels = png.clone();
        badPixels[8 + 25 + 8 + 20] ^= 0x10; // inside the chunk after IHDR (IDAT): zlib may not notice
        assertKind(badPixels, ErrorKind.INVALID_IMAGE);
        byte[] trailing = Arrays.copyOf(png, png.length + 3); // bytes after IEND are ignored, as decoders do
        assertThat(ImageReader.read(trailing, LIMITS).height()).isEqualTo(64);
    }
}
