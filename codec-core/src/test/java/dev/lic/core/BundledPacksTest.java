package dev.lic.core;

import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.tools.MakeJavaVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
        // human for both codecs (the default one's in float, version 1, and int8, version 2); the task
        // adaptors (issue 9) for the default one, version 4 (version 1's weights, faster transforms, compact graph)
        assertThat(codec.adaptors()).extracting(a -> a.name() + " v" + a.version() + "@" + a.codecId())
                .containsExactlyInAnyOrder("human v2@" + vr.codecId(), "human v1@" + vr.codecId(),
                        "detection v4@" + vr.codecId(), "segmentation v4@" + vr.codecId(),
                        "human v1@" + legacy.codecId());
    }

    @Test
    void taskAdaptorDecodesAreAdmittedAsWholeImageGraphs() {
        String vr = codec.defaultCodecId();
        BitstreamHeader big = new BitstreamHeader(1, 0, vr, 4096, 4096, 1, 1);
        long human = codec.decodeMemory(big, "human", 0);
        assertThat(human).isEqualTo(MemoryModel.decodeBytes(4096, 4096, codec.synthesisTiling()));
        for (String task : List.of("detection", "segmentation")) {
            // measured (docs/memory.md): 4,608 MiB above resting for a 4096^2 segmentation decode
            assertThat(codec.decodeMemory(big, task, 0)).isEqualTo(MemoryModel.taskDecodeBytes(4096, 4096))
                    .isBetween(4_608L << 20, 6_000L << 20);
            assertThat(codec.decodeMemory(big, task, 4)).isEqualTo(codec.decodeMemory(big, task, 0));
        }
        // an adaptor or version that is not there: the image estimate; the decode fails with the reason
        assertThat(codec.decodeMemory(big, "nope", 0)).isEqualTo(human);
        assertThat(codec.decodeMemory(big, "detection", 99)).isEqualTo(human);
    }

    @Test
    void theActiveHumanDecodeIsTheInt8VersionCloseToTheFloatOne() throws IOException {
        byte[] png = TestData.kodakOrSkip("kodim23.png");
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(png));
        for (int rate : new int[] {0, 7}) {
            byte[] bitstream = codec.encode(png, rate).bitstream();
            DecodeResult active = codec.decode(bitstream, "human");
            DecodeResult float32 = codec.decode(bitstream, "human", 1);
            assertThat(active.adaptorVersion()).isEqualTo(2);
            assertThat(active.rgb()).isNotEqualTo(float32.rgb());
            double int8Psnr = KodakTest.psnr(original, active.rgb());
            double floatPsnr = KodakTest.psnr(original, float32.rgb());
            System.out.printf("kodim23 rate %d: PSNR int8 %.3f dB, float %.3f dB%n", rate, int8Psnr, floatPsnr);
            assertThat(int8Psnr).isGreaterThan(27).isCloseTo(floatPsnr, within(0.15)); // kodim23: among the worst
        }
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
