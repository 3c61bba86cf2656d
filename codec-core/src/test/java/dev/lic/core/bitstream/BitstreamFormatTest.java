package dev.lic.core.bitstream;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BitstreamFormatTest {
    private static final String ID = "0123456789abcdef".repeat(4);
    private static final byte[] Z = {1, 2, 3, 4};
    private static final byte[] Y = {5, 6, 7, 8, 9, 10};

    private static byte[] sample() {
        return BitstreamFormat.write(0, ID, 100, 70, Z, Y);
    }

    /** Sets a little-endian u32 at {@code at} and recomputes the CRC, so only that field is wrong. */
    private static byte[] withInt(byte[] b, int at, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return fixCrc(c);
    }

    static byte[] fixCrc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static void assertKind(byte[] b, ErrorKind kind) {
        assertThatThrownBy(() -> BitstreamFormat.parse(b))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void writesTheDocumentedLayout() {
        byte[] b = sample();
        assertThat(b).hasSize(60 + Z.length + Y.length);
        assertThat(Arrays.copyOf(b, 8)).containsExactly('L', 'I', 'C', 'B', 1, 0, 0, 0);
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b[8]).isEqualTo((byte) 0x01);
        assertThat(b[39]).isEqualTo((byte) 0xef);
        assertThat(in.getInt(40)).isEqualTo(100);
        assertThat(in.getInt(44)).isEqualTo(70);
        assertThat(in.getInt(48)).isEqualTo(4);
        assertThat(in.getInt(52)).isEqualTo(6);
        assertThat(Arrays.copyOfRange(b, 56, 60)).containsExactly(Z);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        assertThat(in.getInt(b.length - 4)).isEqualTo((int) crc.getValue());
    }

    @Test
    void parsesWhatItWrites() {
        BitstreamFormat.Parsed p = BitstreamFormat.parse(BitstreamFormat.write(7, ID, 65535, 1, Z, Y));
        BitstreamHeader h = p.header();
        assertThat(h).isEqualTo(new BitstreamHeader(1, 7, ID, 65535, 1, 4, 6));
        assertThat(h.totalLength()).isEqualTo(70);
        assertThat(h.paddedWidth()).isEqualTo(65536);
        assertThat(h.paddedHeight()).isEqualTo(64);
        assertThat(Arrays.copyOfRange(p.bytes(), p.zOffset(), p.zOffset() + p.zLength())).containsExactly(Z);
        assertThat(Arrays.copyOfRange(p.bytes(), p.yOffset(), p.yOffset() + p.yLength())).containsExactly(Y);
        assertThat(BitstreamFormat.peekHeader(sample()).bitsPerPixel()).isEqualTo(70 * 8 / 7000.0);
    }

    @Test
    void reportsEachDefectWithItsKind() {
        byte[] good = sample();
        assertKind(new byte[0], ErrorKind.INVALID_BITSTREAM);
        assertKind(Arrays.copyOf(good, 59), ErrorKind.INVALID_BITSTREAM);
        byte[] magic = good.clone();
        magic[3] = 'X';
        assertKind(fixCrc(magic), ErrorKind.INVALID_BITSTREAM);
        for (int at : new int[] {4, 5, 7}) {
            byte[] b = good.clone();
            b[at] = (byte) (at == 4 ? 2 : 1);
            assertKind(fixCrc(b), ErrorKind.UNSUPPORTED_VERSION);
        }
        assertKind(Arrays.copyOf(good, good.length - 1), ErrorKind.CORRUPT_BITSTREAM);
        assertKind(fixCrc(Arrays.copyOf(good, good.length + 1)), ErrorKind.CORRUPT_BITSTREAM);
        byte[] crc = good.clone();
        crc[crc.length - 1] ^= 1;
        assertKind(crc, ErrorKind.CORRUPT_BITSTREAM);
        byte[] body = good.clone();
        body[57] ^= 0x40;
        assertKind(body, ErrorKind.CORRUPT_BITSTREAM);
        assertKind(withInt(good, 40, 0), ErrorKind.CORRUPT_BITSTREAM);
        assertKind(withInt(good, 44, 65536), ErrorKind.CORRUPT_BITSTREAM);
        assertKind(withInt(good, 40, -1), ErrorKind.CORRUPT_BITSTREAM);
        assertKind(withInt(withInt(good, 48, 5), 52, 5), ErrorKind.CORRUPT_BITSTREAM);     // odd, same total
        assertKind(withInt(withInt(good, 48, 2), 52, 8), ErrorKind.CORRUPT_BITSTREAM);     // z shorter than 4
        assertKind(withInt(good, 52, -2), ErrorKind.CORRUPT_BITSTREAM);                     // u32, not negative
        assertKind(withInt(good, 48, Integer.MAX_VALUE - 1), ErrorKind.CORRUPT_BITSTREAM);
    }

    @Test
    void refusesToWriteWhatCannotBeParsed() {
        assertThatThrownBy(() -> BitstreamFormat.write(256, ID, 1, 1, Z, Y)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BitstreamFormat.write(0, ID, 0, 1, Z, Y)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BitstreamFormat.write(0, ID, 1, 65536, Z, Y)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BitstreamFormat.write(0, ID, 1, 1, new byte[3], Y)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BitstreamFormat.write(0, ID.toUpperCase(), 1, 1, Z, Y))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
