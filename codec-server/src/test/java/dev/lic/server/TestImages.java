package dev.lic.server;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real inputs for the server tests: Kodak from the shared data folder, and generated PNGs. */
public final class TestImages {
    private TestImages() {}

    public static Path sharedData() {
        return Path.of(System.getProperty("shared.data.dir", "../../shared/data"));
    }

    public static byte[] kodak(int n) {
        try {
            return Files.readAllBytes(sharedData().resolve("kodak").resolve(String.format("kodim%02d.png", n)));
        } catch (IOException e) {
            throw new UncheckedIOException("Kodak images are expected in " + sharedData(), e);
        }
    }

    /** A smooth synthetic RGB image encoded as PNG. */
    public static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255) / Math.max(1, width - 1);
                int g = (y * 255) / Math.max(1, height - 1);
                int b = ((x + y) * 3) & 0xFF;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites the trailing CRC-32 so that a deliberate change passes the container check. */
    static byte[] withFixedCrc(byte[] bitstream) {
        byte[] b = bitstream.clone();
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            b[b.length - 4 + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static double psnr(BufferedImage a, BufferedImage b) {
        double sse = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int pa = a.getRGB(x, y);
                int pb = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    int d = ((pa >> s) & 0xFF) - ((pb >> s) & 0xFF);
                    sse += d * d;
                }
            }
        }
        return 10 * Math.log10(255.0 * 255.0 / (sse / (3.0 * a.getWidth() * a.getHeight())));
    }

    /** Interleaved 8-bit RGB of a PNG, row-major: what a raw decode returns. */
    public static byte[] pixels(byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new java.io.ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                int p = image.getRGB(x, y);
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return rgb;
    }
}
