package dev.lic.core.adaptor;

import dev.lic.core.CodecOptions;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped human packs carry a bundled self-test (docs/adaptor-pack.md; written by lic.human_selftest:
 * a real bitstream's latent of a Kodak image and the expected RGB), it passes, and it checks pixels, not
 * only shapes: a latent off by a constant gives an image of the right size that fails the rule.
 */
class ShippedHumanSelfTestTest {
    @Test
    void theShippedHumanPacksPassTheirSelfTestAndItChecksPixels() throws Exception {
        for (String prefix : List.of(CodecOptions.DEFAULT_HUMAN_ADAPTOR, CodecOptions.DEFAULT_HUMAN_ADAPTOR_INT8,
                CodecOptions.LEGACY_HUMAN_ADAPTOR_V1)) {
            AdaptorPack pack = AdaptorPack.load(PackSource.classpath(prefix));
            assertThat(pack.formatVersion()).isEqualTo(2);
            AdaptorPack.SelfTest test = pack.selfTest().orElseThrow();
            assertThat(test.width()).isEqualTo(256);
            assertThat(test.height()).isEqualTo(176);
            try (TaskAdaptor adaptor = AdaptorKind.of(pack.task(), prefix).open(pack, new SessionConfig(1, false))) {
                assertThat(SelfTests.run(pack, adaptor, test.channels())).isTrue(); // throws when it fails

                float[] shifted = test.input().clone();
                for (int i = 0; i < shifted.length; i++) {
                    shifted[i] += 2f;
                }
                ImageOutput wrong = (ImageOutput) adaptor.run(shifted, test.channels(), test.latentHeight(),
                        test.latentWidth(), test.width(), test.height());
                assertThat(SelfTests.image(wrong, test)).startsWith("RGB differs from the expected");
            }
        }
    }
}
