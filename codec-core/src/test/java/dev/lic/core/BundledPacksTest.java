package dev.lic.core;

import dev.lic.core.pack.CodecPack;
import dev.lic.core.tools.MakeJavaVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CodecOptions#defaults()} as the server and the CLI open it: the variable-rate pack encodes, and the
 * single-rate pack shipped before still decodes the bitstreams made with it.
 */
class BundledPacksTest {
    private static Codec codec;

    @BeforeAll
    static void open() {
        codec = Codec.open(CodecOptions.defaults().withIntraOpThreads(2));
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    @Test
    void theVariableRatePackIsTheDefaultAndTheSingleRatePackIsLoadedToo() {
        List<String> ids = List.copyOf(codec.codecIds());
        assertThat(ids).hasSize(2);
        CodecPack vr = codec.codecPack(ids.get(0));
        CodecPack legacy = codec.codecPack(ids.get(1));
        assertThat(codec.defaultCodecId()).isEqualTo(vr.codecId());
        assertThat(vr.formatVersion()).isEqualTo(2);
        assertThat(vr.name()).isEqualTo("hyperprior-vr");
        assertThat(legacy.formatVersion()).isEqualTo(1);
        assertThat(legacy.name()).isEqualTo("hyperprior-s");
        // human for both codecs; the task adaptors (issue 9) for the default one
        assertThat(codec.adaptors()).extracting(a -> a.name() + "@" + a.codecId()).containsExactlyInAnyOrder(
                "human@" + vr.codecId(), "detection@" + vr.codecId(), "segmentation@" + vr.codecId(),
                "human@" + legacy.codecId());
    }

    @Test
    void encodingWithoutARateUsesTheDefaultPackAndItsDefaultRate() throws IOException {
        EncodeResult e = codec.encode(MakeJavaVectors.imageBytes(MakeJavaVectors.synthetic("gradient", 96, 64, 1),
                "png"));
        assertThat(e.codecId()).isEqualTo(codec.defaultCodecId());
        assertThat(e.rateIndex()).isEqualTo(codec.codecPack(codec.defaultCodecId()).defaultRate());
    }

    @Test
    void decodesStoredV1Bitstream() {
        // Made by the single-rate pack (format version 1) when it was the default; see testvectors/java.
        Path file = TestData.vectors().resolve("java/default_blocks_200x130.lic");
        byte[] bitstream = TestData.bytes(file);
        String legacyId = TestData.json(TestData.legacyCodecPack().resolve("manifest.json")).get("codec_id")
                .textValue();
        assertThat(codec.inspect(bitstream).codecId()).isEqualTo(legacyId).isNotEqualTo(codec.defaultCodecId());
        DecodeResult decoded = codec.decode(bitstream, "human");
        assertThat(decoded.codecId()).isEqualTo(legacyId);
        assertThat(decoded.width()).isEqualTo(200);
        assertThat(decoded.height()).isEqualTo(130);
        double psnr = KodakTest.psnr(MakeJavaVectors.synthetic("blocks", 200, 130, 6), decoded.rgb());
        System.out.printf("stored v1 bitstream: %d bytes, PSNR %.2f dB%n", bitstream.length, psnr);
        assertThat(psnr).isBetween(24.8, 26.8); // measured 25.78 dB when the vector was made
    }
}
