package dev.lic.core.image;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Limits;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Reads a PNG or JPEG into a {@link PaddedImage}, within {@link Limits}.
 *
 * <p>The format is recognised by its magic bytes, and the size is read from the header before any pixel
 * is decoded: an image over the limits is TOO_LARGE without a large allocation. Bytes that are not a
 * PNG or JPEG, truncated or corrupt files (including ones the decoder only warns about, and PNGs with a
 * chunk that fails its CRC, which ImageIO does not check: see {@link PngChunks}), and colour
 * types without an RGB reading (CMYK/YCCK JPEG) are INVALID_IMAGE. Grey images are replicated to RGB,
 * alpha is dropped (colours are used as stored), 16-bit samples are scaled to {@code [0, 1]} like 8-bit
 * ones, palettes are expanded.
 */
public final class ImageReader {
    static {
        ImageIO.setUseCache(false);
    }

    private ImageReader() {
    }

    /** The formats this reader accepts. */
    public enum Format { PNG, JPEG }

    /** Recognises the format by magic bytes, or returns null. */
    public static Format detect(byte[] bytes) {
        if (bytes.length >= 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[4] == 0x0D && bytes[5] == 0x0A && bytes[6] == 0x1A && bytes[7] == 0x0A) {
            return Format.PNG;
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return Format.JPEG;
        }
        return null;
    }

    /**
     * The {@code {width, height}} of a PNG or JPEG from its header alone (nothing decoded), or null when
     * the bytes are not one or the header cannot be read: for sizing a request before admitting it.
     */
    public static int[] size(byte[] bytes) {
        Format format = detect(bytes);
        if (format == null) {
            return null;
        }
        Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase());
        if (!readers.hasNext()) {
            return null;
        }
        javax.imageio.ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return new int[] {reader.getWidth(0), reader.getHeight(0)};
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            reader.dispose();
        }
    }

    public static PaddedImage read(byte[] bytes, Limits limits) {
        Format format = detect(bytes);
        if (format == null) {
            throw new LicException(ErrorKind.INVALID_IMAGE, "not a PNG or JPEG image");
        }
        String what = format.name();
        Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReadersByFormatName(what.toLowerCase());
        if (!readers.hasNext()) {
            throw new LicException(ErrorKind.INTERNAL, "no " + what + " reader in this JVM");
        }
        javax.imageio.ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            long width;
            long height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new LicException(ErrorKind.INVALID_IMAGE, what + " header cannot be read");
            }
            if (width < 1 || height < 1) {
                throw new LicException(ErrorKind.INVALID_IMAGE, what + " header gives size " + width + "x" + height);
            }
            if (!limits.allows(width, height)) {
                throw new LicException(ErrorKind.TOO_LARGE, "image of " + width + "x" + height + " is over the limits ("
                        + limits.maxPixels() + " pixels, " + limits.maxDimension() + " per side)");
            }
            if (format == Format.PNG) {
                PngChunks.verify(bytes);
            }
            StringBuilder warnings = new StringBuilder();
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> {
                if (warnings.isEmpty()) {
                    warnings.append(warning);
                }
            });
            BufferedImage image;
            try {
                ImageReadParam param = reader.getDefaultReadParam();
                image = reader.read(0, param);
            } catch (IIOException e) {
                String reason = e.getMessage() != null && e.getMessage().contains("Unsupported Image Type")
                        ? "colour type not supported (CMYK or YCCK?)" : "cannot be decoded (truncated or corrupt?)";
                throw new LicException(ErrorKind.INVALID_IMAGE, what + " image " + reason);
            } catch (IOException | RuntimeException e) {
                throw new LicException(ErrorKind.INVALID_IMAGE, what + " image cannot be decoded (truncated or corrupt?)");
            }
            if (!warnings.isEmpty()) {
                throw new LicException(ErrorKind.INVALID_IMAGE, what + " image is damaged: " + clip(warnings.toString()));
            }
            if (image.getWidth() != width || image.getHeight() != height) {
                throw new LicException(ErrorKind.INVALID_IMAGE, what + " image size differs from its header");
            }
            return toPadded(image);
        } catch (IOException e) {
            throw new LicException(ErrorKind.INVALID_IMAGE, what + " image cannot be read");
        } finally {
            reader.dispose();
        }
    }

    private static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** To planar float RGB in [0, 1], padded right and bottom by edge replication. */
    static PaddedImage toPadded(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int wp = PaddedImage.pad(w);
        int hp = PaddedImage.pad(h);
        long plane = (long) wp * hp;
        float[] out = new float[Math.toIntExact(3 * plane)];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int csType = cm.getColorSpace().getType();
        boolean component = cm instanceof ComponentColorModel;
        int bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        boolean sameBits = true;
        for (int b = 1; b < bands; b++) {
            sameBits &= raster.getSampleModel().getSampleSize(b) == bits;
        }
        int[] row = new int[w * Math.max(bands, 1)];
        float[] r = new float[w];
        float[] g = new float[w];
        float[] b = new float[w];
        if (component && sameBits && (bits == 8 || bits == 16)
                && (csType == ColorSpace.TYPE_RGB && (bands == 3 || bands == 4)
                || csType == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2))) {
            float max = bits == 8 ? 255f : 65535f;
            boolean gray = csType == ColorSpace.TYPE_GRAY;
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, p = 0; x < w; x++, p += bands) {
                    if (gray) {
                        r[x] = g[x] = b[x] = row[p] / max;
                    } else {
                        r[x] = row[p] / max;
                        g[x] = row[p + 1] / max;
                        b[x] = row[p + 2] / max;
                    }
                }
                putRow(out, plane, wp, y, w, r, g, b);
            }
        } else if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK || cm.getNumColorComponents() > 3) {
            throw new LicException(ErrorKind.INVALID_IMAGE, "colour type not supported (CMYK or other non-RGB)");
        } else {
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    r[x] = ((argb >>> 16) & 0xFF) / 255f;
                    g[x] = ((argb >>> 8) & 0xFF) / 255f;
                    b[x] = (argb & 0xFF) / 255f;
                }
                putRow(out, plane, wp, y, w, r, g, b);
            }
        }
        for (int c = 0; c < 3; c++) {
            int base = (int) (c * plane);
            for (int y = h; y < hp; y++) {
                System.arraycopy(out, base + (h - 1) * wp, out, base + y * wp, wp);
            }
        }
        return new PaddedImage(w, h, wp, hp, out);
    }

    private static void putRow(float[] out, long plane, int wp, int y, int w, float[] r, float[] g, float[] b) {
        float[][] channels = {r, g, b};
        for (int c = 0; c < 3; c++) {
            int base = (int) (c * plane + (long) y * wp);
            System.arraycopy(channels[c], 0, out, base, w);
            float edge = channels[c][w - 1];
            for (int x = w; x < wp; x++) {
                out[base + x] = edge;
            }
        }
    }
}
