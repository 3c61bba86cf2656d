package dev.lic.core.onnx;

import dev.lic.core.TestData;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.core.pack.RateGains;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class OnnxSessionsTest {
    private static final CodecPack CODEC = CodecPack.load(PackSource.directory(TestData.tinyCodecPack()));
    private static final AdaptorPack HUMAN = AdaptorPack.load(PackSource.directory(TestData.tinyHumanPack()));

    private static PaddedImage grey(int wp, int hp) {
        float[] planes = new float[3 * wp * hp];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (i % 97) / 96f;
        }
        return new PaddedImage(wp, hp, wp, hp, planes);
    }

    @Test
    void analysisGivesLatentsOfThePackShape() {
        try (AnalysisSession analysis = new AnalysisSession(CODEC, new SessionConfig(1, false))) {
            AnalysisSession.Latents l = analysis.run(grey(128, 64), 0);
            assertThat(new int[] {l.yChannels(), l.yHeight(), l.yWidth()}).containsExactly(CODEC.yChannels(), 4, 8);
            assertThat(new int[] {l.zChannels(), l.zHeight(), l.zWidth()}).containsExactly(CODEC.zChannels(), 1, 2);
            assertThat(l.y()).hasSize(CODEC.yChannels() * 32);
            assertThat(l.z()).hasSize(CODEC.zChannels() * 2);
        }
    }

    @Test
    void variableRateAnalysisScalesYByTheGainOfTheRate() {
        CodecPack vr = CodecPack.load(PackSource.directory(TestData.tinyVrCodecPack()));
        RateGains gains = vr.gains().orElseThrow();
        try (AnalysisSession analysis = new AnalysisSession(vr, new SessionConfig(1, false))) {
            AnalysisSession.Latents low = analysis.run(grey(64, 64), 0);
            AnalysisSession.Latents high = analysis.run(grey(64, 64), gains.rateCount() - 1);
            assertThat(low.y()).hasSize(vr.yChannels() * 16);
            // y = g_a(image) * gain: per channel, the ratio of two rates' y is the ratio of their gains.
            float[] g0 = gains.gain(0);
            float[] g1 = gains.gain(gains.rateCount() - 1);
            for (int c = 0; c < vr.yChannels(); c++) {
                for (int i = c * 16; i < (c + 1) * 16; i++) {
                    assertThat((double) high.y()[i] * g0[c]).isCloseTo((double) low.y()[i] * g1[c],
                            org.assertj.core.api.Assertions.within(1e-4 * (1 + Math.abs(high.y()[i] * g0[c]))));
                }
            }
            assertThat(high.z()).isNotEqualTo(low.z());
        }
    }

    @Test
    void synthesisIsSixteenTimesTheLatentAndSafeToShare() throws Exception {
        int m = CODEC.yChannels();
        float[] yHat = new float[m * 2 * 3];
        Arrays.fill(yHat, 0.25f);
        try (SynthesisSession synthesis = new SynthesisSession(HUMAN, new SessionConfig(1, false))) {
            float[] once = synthesis.run(yHat, m, 2, 3);
            assertThat(once).hasSize(3 * 32 * 48);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                Callable<float[]> run = () -> synthesis.run(yHat, m, 2, 3);
                for (Future<float[]> f : pool.invokeAll(Collections.nCopies(8, run))) {
                    assertThat(f.get()).containsExactly(once);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void cudaRequestFallsBackToTheCpu() {
        try (SynthesisSession synthesis = new SynthesisSession(HUMAN, new SessionConfig(1, true))) {
            float[] out = synthesis.run(new float[CODEC.yChannels()], CODEC.yChannels(), 1, 1);
            assertThat(out).hasSize(3 * 16 * 16);
        }
    }
}
