package dev.lic.cli;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.proto.v1.DecodeResponse;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Raw RGB from a PNG answer, for servers older than {@code DecodeRequest.image_format} (which answer PNG
 * whatever was asked); current servers send the pixels, and offline they come straight from the codec.
 */
final class RawPixels {
    private RawPixels() {
    }

    static Backend.Decoded fromPng(DecodeResponse r) {
        if (r.getOutputCase() != DecodeResponse.OutputCase.PNG) {
            return new Backend.Decoded(r);
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(r.getPng().toByteArray()));
        } catch (IOException e) {
            image = null;
        }
        if (image == null) {
            throw new LicException(ErrorKind.INTERNAL, "the server's PNG could not be read");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = new byte[Math.multiplyExact(w * h, 3)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                rgb[o] = (byte) (row[x] >> 16);
                rgb[o + 1] = (byte) (row[x] >> 8);
                rgb[o + 2] = (byte) row[x];
            }
        }
        return new Backend.Decoded(r.toBuilder().clearPng().build(), rgb);
    }
}
