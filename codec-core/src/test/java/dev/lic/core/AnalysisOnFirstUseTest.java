package dev.lic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

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
