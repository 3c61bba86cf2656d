package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Mutated and truncated bitstreams: every outcome is a decode or a LicException of a bitstream kind, never
 * another exception and never a hang. Half the mutations re-fix the CRC so that the rANS decoder's own
 * checks (and the header checks behind the CRC) are what catches them.
 */
class BitstreamFuzzTest {
    private static final Set<ErrorKind> ALLOWED = EnumSet.of(ErrorKind.INVALID_BITSTREAM,
            ErrorKind.UNSUPPORTED_VERSION, ErrorKind.CORRUPT_BITSTREAM, ErrorKind.UNKNOWN_CODEC, ErrorKind.TOO_LARGE);
    private static Codec codec;

    @BeforeAll
    static void open() {
        codec = Codec.open(TestData.tinyOptions(1).withLimits(new Limits(4_000_000, 4096, 1 << 20)));
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static byte[] fixCrc(byte[] b) {
        if (b.length >= 60) {
            CRC32 crc = new CRC32();
            crc.update(b, 0, b.length - 4);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        }
        return b;
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(7)) {
            case 0 -> { // flip a few bits anywhere
                for (int k = 1 + random.nextInt(3); k > 0; k--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // flip bits inside the sections only
                for (int k = 1 + random.nextInt(4); k > 0; k--) {
                    b[56 + random.nextInt(b.length - 60)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length)); // truncate
            case 3 -> { // extend with random bytes
                byte[] tail = new byte[1 + random.nextInt(40)];
                random.nextBytes(tail);
                b = Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, b, b.length - tail.length, tail.length);
            }
            case 4 -> { // overwrite a header field with a random value
                int[] fields = {40, 44, 48, 52};
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(fields[random.nextInt(4)],
                        random.nextBoolean() ? random.nextInt() : random.nextInt(300));
            }
            case 5 -> { // move the z/y boundary by an even amount
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int lz = buf.getInt(48);
                int ly = buf.getInt(52);
                int d = 2 * (random.nextInt(7) - 3);
                buf.putInt(48, lz + d).putInt(52, ly - d);
            }
            default -> { // random run of bytes in the sections
                int at = 56 + random.nextInt(b.length - 60);
                int n = Math.min(b.length - 4 - at, 1 + random.nextInt(8));
                for (int i = 0; i < n; i++) {
                    b[at + i] = (byte) random.nextInt(256);
                }
            }
        }
        return random.nextBoolean() ? fixCrc(b) : b;
    }

    @Test
    void mutatedBitstreamsFailCleanly() {
        List<Path> seeds = List.of(
                TestData.vectors().resolve("python/gradient_64x64.lic"),
                TestData.vectors().resolve("python/blocks_130x200.lic"),
                TestData.vectors().resolve("python/extreme_latents_150x90.lic"));
        Random random = new Random(20240611);
        Map<ErrorKind, Integer> seen = new EnumMap<>(ErrorKind.class);
        int[] decoded = {0};
        int[] caughtByRans = {0};
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            for (int i = 0; i < 600; i++) {
                byte[] original = TestData.bytes(seeds.get(i % seeds.size()));
                byte[] mutated = mutate(original, random);
                try {
                    if (i % 4 == 0) {
                        codec.decode(mutated, "human");
                    } else {
                        codec.decodeLatents(mutated);
                    }
                    decoded[0]++;
                } catch (LicException e) {
                    if (!ALLOWED.contains(e.kind())) {
                        fail("iteration " + i + ": unexpected kind " + e.kind() + ": " + e.getMessage(), e);
                    }
                    seen.merge(e.kind(), 1, Integer::sum);
                    if (e.getMessage().startsWith("z section") || e.getMessage().startsWith("y section")) {
                        caughtByRans[0]++;
                    }
                } catch (RuntimeException | Error e) {
                    fail("iteration " + i + ": " + e, e);
                }
            }
        });
        assertThat(seen).containsKeys(ErrorKind.CORRUPT_BITSTREAM, ErrorKind.INVALID_BITSTREAM);
        assertThat(seen.get(ErrorKind.CORRUPT_BITSTREAM)).isGreaterThan(300);
        assertThat(caughtByRans[0]).as("mutations caught by the rANS checks behind a valid CRC").isGreaterThan(100);
    }
}
