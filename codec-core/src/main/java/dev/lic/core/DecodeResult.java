package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.adaptor.AdaptorKind;
import dev.lic.core.adaptor.AdaptorOutput;
import dev.lic.core.image.PngWriter;
import dev.lic.core.image.RgbImage;

/**
 * A decode's result, typed by the adaptor's task, plus what decoded it. For {@code image}: 8-bit RGB,
 * interleaved, cropped to the bitstream's size (the PNG form is made on first request and kept); for other
 * tasks the typed {@link #output()} ({@code DetectionOutput}, {@code SegmentationOutput}).
 */
public final class DecodeResult {
    private final RgbImage image;
    private final AdaptorOutput output;
    private final int width;
    private final int height;
    private final String adaptorName;
    private final int adaptorVersion;
    private final String codecId;
    private final DecodeTimings timings;
    private volatile byte[] png;

    public DecodeResult(RgbImage image, String adaptorName, int adaptorVersion, String codecId,
                        DecodeTimings timings) {
        this.image = image;
        this.output = null;
        this.width = image.width();
        this.height = image.height();
        this.adaptorName = adaptorName;
        this.adaptorVersion = adaptorVersion;
        this.codecId = codecId;
        this.timings = timings;
    }

    /** A result of a task other than {@code image}, for an original image of {@code width x height}. */
    public DecodeResult(AdaptorOutput output, int width, int height, String adaptorName, int adaptorVersion,
                        String codecId, DecodeTimings timings) {
        this.image = null;
        this.output = output;
        this.width = width;
        this.height = height;
        this.adaptorName = adaptorName;
        this.adaptorVersion = adaptorVersion;
        this.codecId = codecId;
        this.timings = timings;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The adaptor's task: {@code image}, {@code detection}, {@code segmentation}. */
    public String task() {
        return output == null ? AdaptorKind.IMAGE : output.task();
    }

    /** The typed output of a task other than {@code image}; null for images. */
    public AdaptorOutput output() {
        return output;
    }

    /** Interleaved {@code [height][width][3]} RGB bytes; the array itself, not a copy. */
    public byte[] rgb() {
        return requireImage().rgb();
    }

    /** The image; null when the task is not {@code image}. */
    public RgbImage image() {
        return image;
    }

    private RgbImage requireImage() {
        if (image == null) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "adaptor " + adaptorName + " gives task " + task()
                    + ", not an image");
        }
        return image;
    }

    /** The image as PNG, encoded on the first call. @throws LicException INVALID_ARGUMENT when not an image */
    public byte[] pngBytes() {
        requireImage();
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
