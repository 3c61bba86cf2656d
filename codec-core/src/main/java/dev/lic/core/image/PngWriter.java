package dev.lic.core.image;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes 8-bit RGB or grey images as PNG, cheaply: every row gets the Paeth filter (PNG specification,
 * section 9.4), which on photographic rows leaves small residuals, and the filtered rows are deflated at
 * level 1. RGB rows are Huffman-coded only ({@link Deflater#HUFFMAN_ONLY}): on Paeth residuals string
 * matching finds almost nothing, so skipping it is both faster and smaller. Grey images (class-index
 * maps: long runs of one value) keep string matching, which turns the runs into a few bytes. On a decoded
 * Kodak image this is about twice as fast as ImageIO's PNG writer and half the size, because ImageIO
 * leaves rows unfiltered (docs/benchmarks.md). The output is a plain, non-interlaced PNG any decoder reads.
 */
public final class PngWriter {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final int COLOR_GREY = 0;
    private static final int COLOR_RGB = 2;
    private static final byte FILTER_PAETH = 4;

    private PngWriter() {
    }

    /** The image as an 8-bit RGB PNG. */
    public static byte[] write(RgbImage image) {
        return write(image.rgb(), image.width(), image.height(), 3, Deflater.HUFFMAN_ONLY);
    }

    /** An 8-bit greyscale PNG of {@code grey}, {@code [height][width]} bytes (e.g. a class-index map). */
    public static byte[] writeGrey(byte[] grey, int width, int height) {
        return write(grey, width, height, 1, Deflater.DEFAULT_STRATEGY);
    }

    private static byte[] write(byte[] pixels, int width, int height, int channels, int strategy) {
        if (width < 1 || height < 1 || (long) width * height * channels != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " bytes are not a " + width + "x" + height + "x"
                    + channels + " image");
        }
        int stride = width * channels;
        ByteArrayOutputStream idat = new ByteArrayOutputStream(pixels.length / 2 + 1024);
        Deflater deflater = new Deflater(1);
        deflater.setStrategy(strategy);
        byte[] row = new byte[stride + 1];
        row[0] = FILTER_PAETH;
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int y = 0; y < height; y++) {
                if (y == 0) {
                    firstRow(pixels, stride, channels, row);
                } else {
                    paeth(pixels, y * stride, (y - 1) * stride, stride, channels, row);
                }
                deflater.setInput(row);
                while (!deflater.needsInput()) {
                    idat.write(buffer, 0, deflater.deflate(buffer));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bit depth; compression, filter method and interlace stay 0
        header[9] = (byte) (channels == 3 ? COLOR_RGB : COLOR_GREY);
        chunk(out, "IHDR", header, header.length);
        chunk(out, "IDAT", idat.toByteArray(), idat.size());
        chunk(out, "IEND", new byte[0], 0);
        return out.toByteArray();
    }

    /**
     * Writes the Paeth-filtered first row into {@code out[1..stride]}: with zeros above, Paeth predicts the
     * left neighbour (Sub). Kept out of {@link #paeth} so that the JIT compiles that hot loop once, without a
     * branch every image takes once (which cost recompilations).
     */
    private static void firstRow(byte[] p, int stride, int bpp, byte[] out) {
        for (int i = 0; i < stride; i++) {
            out[i + 1] = (byte) (p[i] - (i >= bpp ? p[i - bpp] : 0));
        }
    }

    /** Writes the Paeth-filtered row at {@code at} into {@code out[1..stride]}; {@code up}: the row above. */
    private static void paeth(byte[] p, int at, int up, int stride, int bpp, byte[] out) {
        for (int i = 0; i < bpp; i++) { // no left neighbours: Paeth predicts the one above (Up)
            out[i + 1] = (byte) (p[at + i] - p[up + i]);
        }
        for (int i = bpp; i < stride; i++) {
            int a = p[at + i - bpp] & 0xFF;
            int b = p[up + i] & 0xFF;
            int c = p[up + i - bpp] & 0xFF;
            out[i + 1] = (byte) (p[at + i] - paethPredictor(a, b, c));
        }
    }

    /**
     * The neighbour closest to {@code a + b - c}, ties in the order a, b, c (PNG specification, 9.4).
     * Written as two selects the JIT compiles to conditional moves: on photographs the specification's
     * if-chain mispredicts often enough to double the filter's cost.
     */
    static int paethPredictor(int a, int b, int c) {
        int pa = Math.abs(b - c);
        int pb = Math.abs(a - c);
        int pc = Math.abs(a + b - 2 * c);
        int bOrC = pb <= pc ? b : c;
        return pa <= Math.min(pb, pc) ? a : bOrC;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] word = new byte[4];
        putInt(word, 0, length);
        out.writeBytes(word);
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data, 0, length);
        putInt(word, 0, (int) crc.getValue());
        out.writeBytes(word);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
