package dev.lic.core.image;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Encodes an {@link RgbImage} as an 8-bit RGB PNG. */
public final class PngWriter {
    static {
        ImageIO.setUseCache(false);
    }

    private PngWriter() {
    }

    public static byte[] write(RgbImage image) {
        BufferedImage buffered = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            target[i] = rgb[i + 2];
            target[i + 1] = rgb[i + 1];
            target[i + 2] = rgb[i];
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rgb.length / 2 + 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.75f); // deflate level ~2: far faster than the default, a little larger
            writer.write(null, new IIOImage(buffered, null, null), param);
        } catch (IOException e) {
            throw new LicException(ErrorKind.INTERNAL, "PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
