package dev.lic.core.hyper;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntegerHyperSynthesisTest {
    private static int[] randomZ(Random random, int count, int spread) {
        int[] z = new int[count];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextInt(100) < 3 ? random.nextInt() : random.nextInt(2 * spread + 1) - spread;
        }
        return z;
    }

    private static void assertMatchesReference(IntegerHyperSynthesis net, int[] z, int zh, int zw) {
        HyperOutput expected = ReferenceHyperSynthesis.run(net, z, zh, zw);
        HyperOutput actual = net.run(z, zh, zw);
        assertThat(actual.height()).isEqualTo(4 * zh);
        assertThat(actual.width()).isEqualTo(4 * zw);
        assertThat(actual.channels()).isEqualTo(expected.channels());
        assertThat(actual.scaleQ()).isEqualTo(expected.scaleQ());
        assertThat(actual.meanQ()).isEqualTo(expected.meanQ());
    }

    @Test
    void hyperpriorShapedNetworkMatchesTheLiteralFormulas() {
        Random random = new Random(11);
        IntegerHyperSynthesis net = HyperSynthesisFile.parse(HyperFileBuilder.hyperpriorShaped(random, 8, 12).build());
        assertThat(net.inputChannels()).isEqualTo(8);
        assertThat(net.outputChannels()).isEqualTo(12);
        for (int[] size : new int[][] {{1, 1}, {1, 3}, {2, 5}, {3, 2}, {4, 4}}) {
            assertMatchesReference(net, randomZ(random, 8 * size[0] * size[1], 40), size[0], size[1]);
        }
    }

    @Test
    void otherLayerShapesMatchTheLiteralFormulas() {
        Random random = new Random(12);
        // Strided and unstrided convolutions, odd kernels and paddings, channel counts not a multiple of 4 (13
        // input channels take the 8-, the 4- and the 1-channel pass).
        HyperFileBuilder b = new HyperFileBuilder(5);
        b.zClamp = 20;
        b.add(random, false, 3, 1, 1, 0, 5, 7, -500, 500);   // H
        b.add(random, true, 3, 2, 1, 0, 7, 6, 0, 300);       // 2H - 1 (odd, so the next conv is exact)
        b.add(random, false, 5, 2, 2, 0, 6, 13, -300, 300);  // H
        b.add(random, true, 7, 2, 3, 1, 13, 3, -100, 100);   // 2H
        b.add(random, true, 1, 2, 0, 1, 3, 5, -100, 100);    // 4H
        b.add(random, true, 3, 1, 1, 0, 5, 4, -1000, 1000);  // 4H
        IntegerHyperSynthesis net = HyperSynthesisFile.parse(b.build());
        for (int[] size : new int[][] {{1, 1}, {2, 3}, {3, 1}, {5, 4}}) {
            assertMatchesReference(net, randomZ(random, 5 * size[0] * size[1], 30), size[0], size[1]);
        }
    }

    @Test
    void shippedPacksMatchTheLiteralFormulas() {
        for (java.nio.file.Path pack : new java.nio.file.Path[] {dev.lic.core.TestData.tinyCodecPack(),
            dev.lic.core.TestData.tinyVrCodecPack(), dev.lic.core.TestData.defaultCodecPack(),
            dev.lic.core.TestData.legacyCodecPack()}) {
            if (!java.nio.file.Files.isRegularFile(pack.resolve("hyper_synthesis.bin"))) {
                continue; // the default pack before it is exported
            }
            IntegerHyperSynthesis net = HyperSynthesisFile.parse(dev.lic.core.TestData.bytes(
                    pack.resolve("hyper_synthesis.bin")));
            Random random = new Random(16);
            assertMatchesReference(net, randomZ(random, net.inputChannels() * 2 * 3, 60), 2, 3);
        }
    }

    @Test
    void executorGivesIdenticalResults() throws Exception {
        Random random = new Random(13);
        IntegerHyperSynthesis net = HyperSynthesisFile.parse(HyperFileBuilder.hyperpriorShaped(random, 16, 24).build());
        int[] z = randomZ(random, 16 * 3 * 5, 20);
        HyperOutput alone = net.run(z, 3, 5);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            HyperOutput shared = net.run(z, 3, 5, pool);
            assertThat(shared.scaleQ()).isEqualTo(alone.scaleQ());
            assertThat(shared.meanQ()).isEqualTo(alone.meanQ());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsAnInputOfTheWrongSize() {
        Random random = new Random(14);
        IntegerHyperSynthesis net = HyperSynthesisFile.parse(HyperFileBuilder.hyperpriorShaped(random, 4, 4).build());
        assertThatThrownBy(() -> net.run(new int[4 * 2 * 2 - 1], 2, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> net.run(new int[0], 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsMultiplyAccumulates() {
        Random random = new Random(15);
        IntegerHyperSynthesis net = HyperSynthesisFile.parse(HyperFileBuilder.hyperpriorShaped(random, 64, 96).build());
        // 64*96*25*96 + 96*96*25*384 + 96*192*1536
        assertThat(net.macs(8, 12)).isEqualTo(14_745_600L + 88_473_600L + 28_311_552L);
    }
}
