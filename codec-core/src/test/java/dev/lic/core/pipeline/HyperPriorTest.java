package dev.lic.core.pipeline;

import dev.lic.core.TestData;
import dev.lic.core.hyper.HyperOutput;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;

class HyperPriorTest {
    @Test
    void givesTheMeansAndTheScaleIndexOfEveryYPosition() {
        CodecPack pack = CodecPack.load(PackSource.directory(TestData.tinyCodecPack()));
        HyperPrior prior = new HyperPrior(pack.hyperSynthesis(), pack.entropyTables().scaleIndexer());
        int n = pack.zChannels();
        int[] z = new Random(3).ints((long) n * 2 * 3, -20, 21).toArray();
        HyperPrior.Parameters p = prior.run(z, 2, 3, null);
        HyperOutput raw = pack.hyperSynthesis().run(z, 2, 3);
        assertThat(p.channels()).isEqualTo(pack.yChannels());
        assertThat(p.height()).isEqualTo(8);
        assertThat(p.width()).isEqualTo(12);
        assertThat(p.meanQ()).isEqualTo(raw.meanQ());
        assertThat(p.scaleIndex()).isEqualTo(pack.entropyTables().scaleIndexer().indexes(raw.scaleQ()));
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            HyperPrior.Parameters parallel = prior.run(z, 2, 3, pool);
            assertThat(parallel.scaleIndex()).isEqualTo(p.scaleIndex());
            assertThat(parallel.meanQ()).isEqualTo(p.meanQ());
        } finally {
            pool.shutdown();
        }
    }
}
