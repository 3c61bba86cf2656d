package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** PSNR over RGB 8-bit samples (peak 255) between two encoded images of the same size. */
final class Psnr {
    private Psnr() {}

    static double between(byte[] imageA, byte[] imageB) throws IOException {
        BufferedImage a = read(imageA);
        BufferedImage b = read(imageB);
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new LicException(ErrorKind.INTERNAL, "decoded size " + b.getWidth() + "x" + b.getHeight()
                    + " differs from the original " + a.getWidth() + "x" + a.getHeight());
        }
        double sse = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int pa = a.getRGB(x, y);
                int pb = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = ((pa >> shift) & 0xFF) - ((pb >> shift) & 0xFF);
                    sse += d * d;
                }
            }
        }
        double mse = sse / (3.0 * a.getWidth() * a.getHeight());
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    private static BufferedImage read(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        if (image == null) {
            throw new LicException(ErrorKind.INVALID_IMAGE, "not a readable image");
        }
        return image;
    }
}
