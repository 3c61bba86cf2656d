package dev.lic.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pipeline.SectionCoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks a bitstream against its {@code .expect.json} (testvectors/README.md): size and hash of the file,
 * header fields, the digests of the decoded latents (and of the adaptor input, when listed), a byte-exact
 * re-encoding of those latents, and a full decode through the human adaptor to an image of the right size.
 */
public final class Expectations {
    private Expectations() {
    }

    public static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".expect.json")).sorted().toList();
        }
    }

    /** Decodes the bitstream named by {@code expectFile} and checks it against the expectation. */
    public static void check(Codec codec, Path expectFile) {
        JsonNode expect = TestData.json(expectFile);
        byte[] data = TestData.bytes(expectFile.resolveSibling(expect.get("bitstream").textValue()));
        assertThat(data).hasSize(expect.get("bytes").intValue());
        assertThat(TestData.sha256(data)).isEqualTo(expect.get("sha256").textValue());
        Latents latents = codec.decodeLatents(data);
        assertThat(latents.header().width()).isEqualTo(expect.get("width").intValue());
        assertThat(latents.header().height()).isEqualTo(expect.get("height").intValue());
        assertThat(latents.header().rateIndex()).isEqualTo(expect.get("rate_index").intValue());
        assertThat(latents.header().codecId()).isEqualTo(expect.get("codec_id").textValue());
        JsonNode digests = expect.get("latents");
        checkDigest(digests.get("z_hat"), latents.zHat(), latents.zChannels(), latents.zHeight(), latents.zWidth());
        checkDigest(digests.get("scale_index"), latents.scaleIndex(), latents.yChannels(), latents.yHeight(),
                latents.yWidth());
        checkDigest(digests.get("mean_q"), latents.meanQ(), latents.yChannels(), latents.yHeight(), latents.yWidth());
        checkDigest(digests.get("q"), latents.q(), latents.yChannels(), latents.yHeight(), latents.yWidth());
        JsonNode adaptorInput = expect.get("adaptor_input");
        if (adaptorInput != null) { // y_hat * inv_gain[rate], the floats every adaptor must get
            assertThat(TestData.ints(adaptorInput.get("shape")))
                    .containsExactly(latents.yChannels(), latents.yHeight(), latents.yWidth());
            assertThat(TestData.floatDigest(codec.adaptorInput(latents))).as("adaptor input")
                    .isEqualTo(adaptorInput.get("sha256").textValue());
        }

        CodecPack pack = codec.codecPack(latents.header().codecId());
        byte[] z = SectionCoder.encodeZ(latents.zHat(), latents.zChannels(), latents.zHeight(), latents.zWidth(),
                pack.entropyTables().z());
        byte[] y = SectionCoder.encodeY(latents.q(), latents.scaleIndex(), pack.entropyTables().y());
        assertThat(BitstreamFormat.write(latents.header().rateIndex(), latents.header().codecId(),
                latents.header().width(), latents.header().height(), z, y)).as("re-encoded").isEqualTo(data);

        DecodeResult image = codec.decode(data, "human");
        assertThat(image.width()).isEqualTo(latents.header().width());
        assertThat(image.height()).isEqualTo(latents.header().height());
        assertThat(image.rgb()).hasSize(3 * image.width() * image.height());
    }

    private static void checkDigest(JsonNode digest, int[] values, int c, int h, int w) {
        assertThat(TestData.ints(digest.get("shape"))).containsExactly(c, h, w);
        assertThat(TestData.digest(values)).isEqualTo(digest.get("sha256").textValue());
    }
}
