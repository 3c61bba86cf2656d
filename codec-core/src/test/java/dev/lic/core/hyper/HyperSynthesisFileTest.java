package dev.lic.core.hyper;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HyperSynthesisFileTest {
    private static HyperFileBuilder valid() {
        return HyperFileBuilder.hyperpriorShaped(new Random(5), 4, 6);
    }

    private static void assertRejected(Consumer<HyperFileBuilder> breakIt, String reason) {
        HyperFileBuilder b = valid();
        breakIt.accept(b);
        assertRejected(b.build(), reason);
    }

    private static void assertRejected(byte[] file, String reason) {
        assertThatThrownBy(() -> HyperSynthesisFile.parse(file))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PACK))
                .hasMessageContaining("hyper_synthesis.bin")
                .hasMessageContaining(reason);
    }

    @Test
    void readsAValidFile() {
        IntegerHyperSynthesis net = HyperSynthesisFile.parse(valid().build());
        assertThat(net.inputChannels()).isEqualTo(4);
        assertThat(net.outputChannels()).isEqualTo(6);
        assertThat(net.fractionBits()).isEqualTo(8);
    }

    @Test
    void rejectsBrokenHeaders() {
        assertRejected(b -> b.magic = 0x4543494C, "magic");
        assertRejected(b -> b.version = 2, "version 2");
        assertRejected(b -> b.fractionBits = 0, "fraction bits");
        assertRejected(b -> b.fractionBits = 17, "fraction bits");
        assertRejected(b -> b.inputChannels = 5, "input channels");
        assertRejected(b -> b.layers.clear(), "layer count 0");
    }

    @Test
    void rejectsBrokenLayers() {
        assertRejected(b -> b.layers.get(0).kind = 2, "kind 2");
        assertRejected(b -> b.layers.get(0).kernel = 4, "kernel 4");
        assertRejected(b -> b.layers.get(0).stride = 3, "stride 3");
        assertRejected(b -> b.layers.get(0).outputPadding = 2, "output padding");
        assertRejected(b -> b.layers.get(2).outputPadding = 1, "output padding");
        assertRejected(b -> b.layers.get(0).outMin = 5000, "empty");
        assertRejected(b -> b.layers.get(1).multiplier[2] = 0, "multiplier");
        assertRejected(b -> b.layers.get(1).multiplier[2] = (1 << 30) + 1, "multiplier");
        assertRejected(b -> b.layers.get(1).shift[0] = 63, "shift");
        assertRejected(b -> b.layers.get(1).shift[0] = 0, "shift");
    }

    @Test
    void rejectsShapesThatAreNotFourTimesTheInput() {
        assertRejected(b -> b.layers.get(1).outputPadding = 0, "not 4x");
        assertRejected(b -> b.layers.get(2).padding = 1, "not 4x");
        assertRejected(b -> b.layers.get(2).out = 7, "");
    }

    @Test
    void rejectsAnOddFinalChannelCount() {
        Random random = new Random(6);
        HyperFileBuilder b = new HyperFileBuilder(2);
        b.add(random, true, 5, 2, 2, 1, 2, 3, 0, 100);
        b.add(random, true, 5, 2, 2, 1, 3, 3, -100, 100);
        assertRejected(b.build(), "even");
    }

    @Test
    void enforcesTheFullKernelAccumulatorBound() {
        Random random = new Random(7);
        // Transposed 5x5 stride 2 with one input channel: the bound counts all 25 taps (not the 9 of a phase).
        HyperFileBuilder b = new HyperFileBuilder(1);
        HyperFileBuilder.Layer first = b.add(random, true, 5, 2, 2, 1, 1, 2, 0, 1);
        HyperFileBuilder.Layer second = b.add(random, true, 5, 2, 2, 1, 2, 2, 0, 1);
        Arrays.fill(first.weights, (byte) -127);
        Arrays.fill(first.bias, 0);
        Arrays.fill(second.bias, 0);
        b.zClamp = (int) (((1L << 31) - 1) / (25 * 127)); // exactly at the bound: accepted
        HyperSynthesisFile.parse(b.build());
        first.bias[1] = (int) ((1L << 31) - 1 - 25 * 127L * b.zClamp) + 1; // one more: rejected, naming the channel
        assertRejected(b.build(), "output channel 1");
        first.bias[1] = 0;
        b.zClamp++;
        assertRejected(b.build(), "accumulator bound");
    }

    @Test
    void rejectsTruncatedAndPaddedFiles() {
        byte[] file = valid().build();
        for (int cut : new int[] {0, 3, 23, 30, file.length / 2, file.length - 1}) {
            assertRejected(Arrays.copyOf(file, cut), "");
        }
        assertRejected(Arrays.copyOf(file, file.length + 4), "unexpected bytes");
        byte[] dirty = file.clone();
        dirty[24 + 5] = 1; // first layer's reserved bytes
        assertRejected(dirty, "reserved");
    }
}
