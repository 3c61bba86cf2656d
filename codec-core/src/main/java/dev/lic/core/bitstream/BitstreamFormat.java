package dev.lic.core.bitstream;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Writes and parses the version-1 bitstream container ({@code docs/bitstream.md}): magic, version,
 * flags, rate index, codec id, size, the z and y sections and a CRC-32 of everything before it.
 *
 * <p>Parsing checks, in this order: length and magic (INVALID_BITSTREAM); version, flags and the reserved
 * byte (UNSUPPORTED_VERSION); section lengths, total length and CRC (CORRUPT_BITSTREAM); width and height
 * in {@code 1..65535} (CORRUPT_BITSTREAM). Codec id, rate and size limits are the caller's to check, as
 * they depend on what is loaded and configured.
 */
public final class BitstreamFormat {
    public static final int VERSION = 1;
    public static final int MAX_DIMENSION = 65535;
    private static final byte[] MAGIC = {'L', 'I', 'C', 'B'};

    private BitstreamFormat() {
    }

    /** A parsed bitstream: its header and where its sections lie in the original array. */
    public record Parsed(BitstreamHeader header, byte[] bytes, int zOffset, int yOffset) {
        public int zLength() {
            return header.zLength();
        }

        public int yLength() {
            return header.yLength();
        }
    }

    /**
     * Assembles a bitstream.
     *
     * @throws IllegalArgumentException if a field is outside what the format can hold
     */
    public static byte[] write(int rateIndex, String codecId, int width, int height, byte[] zSection,
                               byte[] ySection) {
        if (rateIndex < 0 || rateIndex > 255) {
            throw new IllegalArgumentException("rate index " + rateIndex + " is outside 0..255");
        }
        if (width < 1 || width > MAX_DIMENSION || height < 1 || height > MAX_DIMENSION) {
            throw new IllegalArgumentException("size " + width + "x" + height + " is outside 1..65535");
        }
        checkSection("z", zSection);
        checkSection("y", ySection);
        byte[] id = parseCodecId(codecId);
        long total = (long) BitstreamHeader.OVERHEAD + zSection.length + ySection.length;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bitstream of " + total + " bytes is too long");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) VERSION).put((byte) 0).put((byte) rateIndex).put((byte) 0).put(id);
        out.putInt(width).putInt(height).putInt(zSection.length).putInt(ySection.length);
        out.put(zSection).put(ySection);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    private static void checkSection(String name, byte[] section) {
        if (section.length < 4 || (section.length & 1) != 0) {
            throw new IllegalArgumentException(name + " section of " + section.length
                    + " bytes (needs an even length of at least 4)");
        }
    }

    private static byte[] parseCodecId(String codecId) {
        if (!BitstreamHeader.isCodecId(codecId)) {
            throw new IllegalArgumentException("codec id must be 64 lowercase hex characters");
        }
        return HexFormat.of().parseHex(codecId);
    }

    /** Validates the whole container (CRC included) without entropy decoding and returns the header. */
    public static BitstreamHeader peekHeader(byte[] bitstream) {
        return parse(bitstream).header();
    }

    /** Validates the container and locates its sections. */
    public static Parsed parse(byte[] b) {
        if (b == null || b.length < BitstreamHeader.OVERHEAD) {
            throw new LicException(ErrorKind.INVALID_BITSTREAM, "not a LIC bitstream: "
                    + (b == null ? 0 : b.length) + " bytes is shorter than the " + BitstreamHeader.OVERHEAD
                    + "-byte header and checksum");
        }
        if (b[0] != MAGIC[0] || b[1] != MAGIC[1] || b[2] != MAGIC[2] || b[3] != MAGIC[3]) {
            throw new LicException(ErrorKind.INVALID_BITSTREAM, "not a LIC bitstream: wrong magic");
        }
        int version = b[4] & 0xFF;
        if (version != VERSION) {
            throw new LicException(ErrorKind.UNSUPPORTED_VERSION, "bitstream format version " + version
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        if (b[5] != 0) {
            throw new LicException(ErrorKind.UNSUPPORTED_VERSION, "bitstream flags 0x"
                    + HexFormat.of().toHexDigits(b[5]) + " are not supported (all flag bits are reserved)");
        }
        if (b[7] != 0) {
            throw new LicException(ErrorKind.UNSUPPORTED_VERSION, "bitstream reserved byte is not 0");
        }
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int rateIndex = b[6] & 0xFF;
        String codecId = HexFormat.of().formatHex(b, 8, 40);
        long width = Integer.toUnsignedLong(in.getInt(40));
        long height = Integer.toUnsignedLong(in.getInt(44));
        long zLength = Integer.toUnsignedLong(in.getInt(48));
        long yLength = Integer.toUnsignedLong(in.getInt(52));
        if (zLength < 4 || (zLength & 1) != 0 || yLength < 4 || (yLength & 1) != 0) {
            throw new LicException(ErrorKind.CORRUPT_BITSTREAM, "bitstream section lengths " + zLength + " and "
                    + yLength + " are not even numbers >= 4");
        }
        long expected = BitstreamHeader.OVERHEAD + zLength + yLength;
        if (expected != b.length) {
            throw new LicException(ErrorKind.CORRUPT_BITSTREAM, "bitstream is " + b.length
                    + " bytes but its header announces " + expected);
        }
        int crcAt = b.length - 4;
        CRC32 crc = new CRC32();
        crc.update(b, 0, crcAt);
        if ((int) crc.getValue() != in.getInt(crcAt)) {
            throw new LicException(ErrorKind.CORRUPT_BITSTREAM, "bitstream checksum mismatch");
        }
        if (width < 1 || width > MAX_DIMENSION || height < 1 || height > MAX_DIMENSION) {
            throw new LicException(ErrorKind.CORRUPT_BITSTREAM, "bitstream image size " + width + "x" + height
                    + " is outside 1..65535");
        }
        BitstreamHeader header = new BitstreamHeader(version, rateIndex, codecId, (int) width, (int) height,
                (int) zLength, (int) yLength);
        return new Parsed(header, b, BitstreamHeader.FIXED_SIZE, BitstreamHeader.FIXED_SIZE + (int) zLength);
    }
}
