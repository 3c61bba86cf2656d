package dev.lic.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CodecOptions#analysisOnFirstUse()}: decoding never creates the encoder session; encoding gives the same bytes. */
class AnalysisOnFirstUseTest {

    @Test
    void aDecodeOnlyCodecNeverLoadsTheAnalysisGraphAndEncodesAlikeOnceItDoes() throws IOException {
        byte[] png = gradient();
        byte[] eagerBitstream;
        try (Codec eager = Codec.open(TestData.tinyVrOptions(1))) {
            assertThat(eager.analysisLoaded(eager.defaultCodecId())).as("eager by default").isTrue();
            eagerBitstream = eager.encode(png).bitstream();
        }
        try (Codec lazy = Codec.open(TestData.tinyVrOptions(1).withAnalysisOnFirstUse(true))) {
            String id = lazy.defaultCodecId();
            assertThat(lazy.analysisLoaded(id)).isFalse();
            DecodeResult decoded = lazy.decode(eagerBitstream, "human");
            assertThat(decoded.width()).isEqualTo(96);
            assertThat(lazy.analysisLoaded(id)).as("a decode needs no encoder").isFalse();
            assertThat(lazy.encode(png).bitstream()).isEqualTo(eagerBitstream);
            assertThat(lazy.analysisLoaded(id)).isTrue();
        }
    }

    @Test
    void aDamagedEncoderGraphFailsTheFirstEncodeNotTheDecodes(@TempDir Path dir) throws IOException {
        Path pack = dir.resolve("codec");
        Files.createDirectories(pack);
        try (var files = Files.list(TestData.tinyVrCodecPack())) {
            for (Path f : files.toList()) {
                Files.copy(f, pack.resolve(f.getFileName()));
            }
        }
        byte[] encoder = Files.readAllBytes(pack.resolve(CodecPack.ENCODER_FILE));
        encoder[encoder.length / 2] ^= 1;
        Files.write(pack.resolve(CodecPack.ENCODER_FILE), encoder);
        CodecOptions options = TestData.tinyVrOptions(1).withCodecPacks(List.of(PackSource.directory(pack)));
        assertThatThrownBy(() -> Codec.open(options)).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PACK));

        byte[] bitstream;
        try (Codec good = Codec.open(TestData.tinyVrOptions(1))) {
            bitstream = good.encode(gradient()).bitstream();
        }
        try (Codec lazy = Codec.open(options.withAnalysisOnFirstUse(true))) {
            assertThat(lazy.decode(bitstream, "human").width()).isEqualTo(96);
            assertThatThrownBy(() -> lazy.encode(gradient())).isInstanceOfSatisfying(LicException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PACK);
                assertThat(e.getMessage()).contains(CodecPack.ENCODER_FILE, "SHA-256");
            });
        }
    }

    @Test
    void theDeclaredCodecIdIsTheOneLoadingVerifies() {
        PackSource source = PackSource.directory(TestData.tinyVrCodecPack());
        assertThat(CodecPack.declaredCodecId(source)).isEqualTo(CodecPack.load(source).codecId());
    }

    private static byte[] gradient() throws IOException {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
