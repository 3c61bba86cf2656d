package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The facade end to end with the tiny test pack. */
class CodecTest {
    private static Codec codec;
    private static byte[] png;

    @BeforeAll
    static void open() throws IOException {
        codec = Codec.open(TestData.tinyOptions(1));
        BufferedImage image = new BufferedImage(100, 70, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 100; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | 128);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        png = out.toByteArray();
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static void assertKind(Runnable call, ErrorKind kind, String... mentions) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    for (String mention : mentions) {
                        assertThat(e.getMessage()).contains(mention);
                    }
                });
    }

    @Test
    void encodesAndDecodes() throws IOException {
        EncodeResult encoded = codec.encode(png, 0);
        assertThat(encoded.width()).isEqualTo(100);
        assertThat(encoded.height()).isEqualTo(70);
        assertThat(encoded.codecId()).isEqualTo(codec.defaultCodecId());
        assertThat(encoded.bitsPerPixel()).isEqualTo(encoded.bitstream().length * 8.0 / 7000);
        assertThat(encoded.timings().totalNanos()).isPositive();
        assertThat(encoded.timings().analysisNanos()).isPositive();

        BitstreamHeader header = codec.inspect(encoded.bitstream());
        assertThat(header.width()).isEqualTo(100);
        assertThat(header.codecId()).isEqualTo(encoded.codecId());
        assertThat(header.totalLength()).isEqualTo(encoded.bitstream().length);

        DecodeResult decoded = codec.decode(encoded.bitstream(), "human");
        assertThat(decoded.width()).isEqualTo(100);
        assertThat(decoded.height()).isEqualTo(70);
        assertThat(decoded.rgb()).hasSize(100 * 70 * 3);
        assertThat(decoded.adaptorName()).isEqualTo("human");
        assertThat(decoded.adaptorVersion()).isEqualTo(1);
        assertThat(decoded.codecId()).isEqualTo(encoded.codecId());
        assertThat(decoded.timings().synthesisNanos()).isPositive();
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(decoded.pngBytes()));
        assertThat(back.getWidth()).isEqualTo(100);
        assertThat(back.getHeight()).isEqualTo(70);
        assertThat(decoded.pngBytes()).isSameAs(decoded.pngBytes());

        Latents latents = codec.decodeLatents(encoded.bitstream());
        assertThat(latents.zHat()).hasSize(latents.zChannels() * 2 * 2); // 100x70 pads to 128x128
        assertThat(latents.q()).hasSize(latents.yChannels() * 8 * 8);
        assertThat(java.util.Arrays.stream(latents.scaleIndex()).max().getAsInt()).isLessThan(256);
        assertThat(java.util.Arrays.stream(latents.scaleIndex()).min().getAsInt()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void encodingIsRepeatable() {
        assertThat(codec.encode(png, 0).bitstream()).isEqualTo(codec.encode(png, 0).bitstream());
    }

    @Test
    void describesWhatIsLoaded() {
        assertThat(codec.codecIds()).containsExactly(codec.defaultCodecId());
        assertThat(codec.adaptors()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("human");
            assertThat(a.codecId()).isEqualTo(codec.defaultCodecId());
            assertThat(a.task()).isEqualTo("image");
        });
    }

    @Test
    void reportsRequestErrorsWithTheirKinds() {
        byte[] bitstream = codec.encode(png, 0).bitstream();
        assertKind(() -> codec.decode(bitstream, "detection"), ErrorKind.UNKNOWN_ADAPTOR, "detection");
        assertKind(() -> codec.decode(bitstream, null), ErrorKind.UNKNOWN_ADAPTOR);
        assertKind(() -> codec.encode(png, 1), ErrorKind.INVALID_ARGUMENT, "rate index 1");
        assertKind(() -> codec.encode(png, "ab".repeat(32), 0), ErrorKind.UNKNOWN_CODEC, "ab".repeat(32));
        assertKind(() -> codec.encode(new byte[] {1, 2, 3}, 0), ErrorKind.INVALID_IMAGE);
        assertKind(() -> codec.decodeLatents(png), ErrorKind.INVALID_BITSTREAM);
        assertKind(() -> codec.inspect(new byte[10]), ErrorKind.INVALID_BITSTREAM);
    }

    @Test
    void enforcesLimitsBeforeDecoding() {
        byte[] bitstream = codec.encode(png, 0).bitstream();
        try (Codec small = Codec.open(TestData.tinyOptions(1).withLimits(new Limits(6999, 1000, 1 << 20)))) {
            assertKind(() -> small.decode(bitstream, "human"), ErrorKind.TOO_LARGE, "100x70");
            assertKind(() -> small.decodeLatents(bitstream), ErrorKind.TOO_LARGE);
            assertKind(() -> small.encode(png, 0), ErrorKind.TOO_LARGE);
        }
        try (Codec narrow = Codec.open(TestData.tinyOptions(1).withLimits(new Limits(1 << 20, 99, 1 << 20)))) {
            assertKind(() -> narrow.decode(bitstream, "human"), ErrorKind.TOO_LARGE);
        }
        try (Codec tight = Codec.open(TestData.tinyOptions(1).withLimits(new Limits(1 << 20, 1000, 60)))) {
            assertKind(() -> tight.decode(bitstream, "human"), ErrorKind.TOO_LARGE, "bytes");
            assertKind(() -> tight.inspect(bitstream), ErrorKind.TOO_LARGE);
        }
    }

    @Test
    void optionsValidateTheirInput() {
        assertThatThrownBy(() -> TestData.tinyOptions(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestData.tinyOptions(1).withCodecPacks(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(10, 70_000, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CodecOptions.defaults().codecPacks()).extracting(PackSource::describe).containsExactly(
                "classpath:" + CodecOptions.DEFAULT_CODEC_PACK, "classpath:" + CodecOptions.LEGACY_CODEC_PACK_V1);
        assertThat(CodecOptions.defaults().adaptorPacks()).extracting(PackSource::describe).containsExactly(
                "classpath:" + CodecOptions.DEFAULT_HUMAN_ADAPTOR, "classpath:" + CodecOptions.DEFAULT_HUMAN_ADAPTOR_INT8,
                "classpath:" + CodecOptions.DEFAULT_DETECTION_ADAPTOR,
                "classpath:" + CodecOptions.DEFAULT_SEGMENTATION_ADAPTOR, "classpath:" + CodecOptions.LEGACY_HUMAN_ADAPTOR_V1);
    }
}
