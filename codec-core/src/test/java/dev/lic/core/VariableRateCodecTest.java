package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.image.RgbImage;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.SynthesisSession;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.core.pipeline.LatentQuantizer;
import dev.lic.core.tools.MakeJavaVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The facade with the tiny variable-rate (format version 2) test pack: rates on encode and on decode. */
class VariableRateCodecTest {
    private static Codec codec;
    private static CodecPack pack;
    private static byte[] png;

    @BeforeAll
    static void open() throws IOException {
        codec = Codec.open(TestData.tinyVrOptions(1));
        pack = codec.codecPack(codec.defaultCodecId());
        png = MakeJavaVectors.imageBytes(MakeJavaVectors.synthetic("texture", 100, 70, 2), "png");
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static void assertKind(Runnable call, ErrorKind kind, String... mentions) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LicException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(mentions);
        });
    }

    /** The bitstream with another rate index byte and its CRC made valid again. */
    static byte[] withRateIndex(byte[] bitstream, int rate) {
        byte[] b = bitstream.clone();
        b[6] = (byte) rate;
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            b[b.length - 4 + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    @Test
    void encodingWithoutARateUsesThePackDefault() {
        EncodeResult e = codec.encode(png);
        assertThat(pack.defaultRate()).isPositive(); // so that "0 by mistake" would show
        assertThat(e.rateIndex()).isEqualTo(pack.defaultRate());
        assertThat(codec.inspect(e.bitstream()).rateIndex()).isEqualTo(pack.defaultRate());
        assertThat(e.bitstream()).isEqualTo(codec.encode(png, pack.defaultRate()).bitstream());
    }

    @Test
    void everyRateRoundTripsAndWritesItsIndex() {
        Set<String> distinct = new HashSet<>();
        for (CodecPack.Rate rate : pack.rates()) {
            EncodeResult e = codec.encode(png, rate.index());
            assertThat(e.rateIndex()).isEqualTo(rate.index());
            BitstreamHeader header = codec.inspect(e.bitstream());
            assertThat(header.rateIndex()).isEqualTo(rate.index());
            DecodeResult d = codec.decode(e.bitstream(), "human");
            assertThat(d.width()).isEqualTo(100);
            assertThat(d.height()).isEqualTo(70);
            distinct.add(TestData.sha256(e.bitstream()));
        }
        assertThat(distinct).as("each rate gives its own bitstream").hasSize(pack.rates().size());
    }

    @Test
    void theAdaptorGetsTheLatentsTimesTheInverseGainOfTheRate() {
        int rate = 2;
        byte[] bitstream = codec.encode(png, rate).bitstream();
        Latents l = codec.decodeLatents(bitstream);
        float[] yHat = LatentQuantizer.reconstructY(l.q(), l.meanQ(), l.fractionBits());
        float[] inv = pack.gains().orElseThrow().inverseGain(rate);
        float[] yDec = codec.adaptorInput(l);
        int plane = l.yHeight() * l.yWidth();
        for (int i = 0; i < yDec.length; i++) {
            assertThat(yDec[i]).isEqualTo(yHat[i] * inv[i / plane]);
        }
        // decode() runs the adaptor on exactly these floats.
        AdaptorPack human = AdaptorPack.load(PackSource.directory(TestData.tinyVrHumanPack()));
        try (SynthesisSession synthesis = new SynthesisSession(human, new SessionConfig(1, false))) {
            float[] planes = synthesis.run(yDec, l.yChannels(), l.yHeight(), l.yWidth());
            RgbImage expected = RgbImage.fromPlanes(planes, 16 * l.yWidth(), 16 * l.yHeight(), 100, 70);
            assertThat(codec.decode(bitstream, "human").rgb()).isEqualTo(expected.rgb());
        }
    }

    @Test
    void aRateOutsideThePackIsInvalidOnEncodeAndUnknownOnDecode() {
        int past = pack.rates().size();
        assertKind(() -> codec.encode(png, past), ErrorKind.INVALID_ARGUMENT, "rate index " + past,
                "0.." + (past - 1));
        assertKind(() -> codec.encode(png, -1), ErrorKind.INVALID_ARGUMENT, "rate index -1");
        byte[] bad = withRateIndex(codec.encode(png, 0).bitstream(), past);
        assertKind(() -> codec.decode(bad, "human"), ErrorKind.UNKNOWN_CODEC, "rate index " + past);
        assertKind(() -> codec.decodeLatents(bad), ErrorKind.UNKNOWN_CODEC, "rate index " + past);
        assertKind(() -> codec.decode(withRateIndex(bad, 255), "human"), ErrorKind.UNKNOWN_CODEC, "255");
    }

    @Test
    void aSingleRatePackHandsTheAdaptorTheLatentsUnchanged() {
        try (Codec v1 = Codec.open(TestData.tinyOptions(1))) {
            Latents l = v1.decodeLatents(v1.encode(png).bitstream());
            assertThat(l.header().rateIndex()).isZero();
            assertThat(v1.adaptorInput(l)).containsExactly(LatentQuantizer.reconstructY(l.q(), l.meanQ(),
                    l.fractionBits()));
        }
    }
}
