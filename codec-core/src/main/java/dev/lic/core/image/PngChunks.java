package dev.lic.core.image;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.util.zip.CRC32;

/**
 * Verifies the chunk structure of a PNG before it is decoded: every chunk from the signature to {@code IEND}
 * fits the file and has the right CRC-32 (over its type and data). ImageIO ignores chunk CRCs, so without
 * this a damaged PNG would decode to wrong pixels without a word. Bytes after {@code IEND} are ignored, as
 * decoders do. One pass of CRC-32 over the file: cheap next to decoding.
 */
final class PngChunks {
    private static final int SIGNATURE = 8;
    private static final int IEND = ('I' << 24) | ('E' << 16) | ('N' << 8) | 'D';

    private PngChunks() {}

    /** Throws INVALID_IMAGE naming the first bad chunk; returns normally for a well-formed chunk list. */
    static void verify(byte[] png) {
        CRC32 crc = new CRC32();
        int at = SIGNATURE;
        int index = 0;
        while (true) {
            if (png.length - at < 12) {
                throw new LicException(ErrorKind.INVALID_IMAGE, "PNG image is truncated: no IEND chunk");
            }
            long length = readInt(png, at) & 0xFFFFFFFFL;
            int type = readInt(png, at + 4);
            if (length > png.length - at - 12L) {
                throw new LicException(ErrorKind.INVALID_IMAGE, "PNG image is truncated: chunk " + index + " ("
                        + typeName(type) + ") claims " + length + " bytes");
            }
            crc.reset();
            crc.update(png, at + 4, 4 + (int) length);
            int stored = readInt(png, at + 8 + (int) length);
            if ((int) crc.getValue() != stored) {
                throw new LicException(ErrorKind.INVALID_IMAGE, "PNG image is damaged: chunk " + index + " ("
                        + typeName(type) + ") fails its CRC");
            }
            if (type == IEND) {
                return;
            }
            at += 12 + (int) length;
            index++;
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /** The chunk type as text when it is 4 ASCII letters (as PNG requires), else in hex. */
    private static String typeName(int type) {
        StringBuilder s = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            char c = (char) ((type >>> shift) & 0xFF);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return String.format("0x%08x", type);
            }
            s.append(c);
        }
        return s.toString();
    }
}
