package dev.lic.core;

import dev.lic.core.image.PngWriter;
import dev.lic.core.image.RgbImage;

/**
 * A decoded image: 8-bit RGB, interleaved, cropped to the bitstream's size, plus what decoded it. The PNG
 * form is made on first request and kept.
 */
public final class DecodeResult {
    private final RgbImage image;
    private final String adaptorName;
    private final int adaptorVersion;
    private final String codecId;
    private final DecodeTimings timings;
    private volatile byte[] png;

    public DecodeResult(RgbImage image, String adaptorName, int adaptorVersion, String codecId,
                        DecodeTimings timings) {
        this.image = image;
        this.adaptorName = adaptorName;
        this.adaptorVersion = adaptorVersion;
        this.codecId = codecId;
        this.timings = timings;
    }

    public int width() {
        return image.width();
    }

    public int height() {
        return image.height();
    }

    /** Interleaved {@code [height][width][3]} RGB bytes; the array itself, not a copy. */
    public byte[] rgb() {
        return image.rgb();
    }

    public RgbImage image() {
        return image;
    }

    /** The image as PNG, encoded on the first call. */
    public byte[] pngBytes() {
        byte[] p = png;
        if (p == null) {
            synchronized (this) {
                p = png;
                if (p == null) {
                    p = PngWriter.write(image);
                    png = p;
                }
            }
        }
        return p;
    }

    public String adaptorName() {
        return adaptorName;
    }

    public int adaptorVersion() {
        return adaptorVersion;
    }

    public String codecId() {
        return codecId;
    }

    public DecodeTimings timings() {
        return timings;
    }
}
