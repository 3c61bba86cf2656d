package dev.lic.core.hyper;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaleIndexerTest {
    @Test
    void countsThresholdsStrictlyBelowTheScale() {
        ScaleIndexer indexer = new ScaleIndexer(new int[] {10, 20, 40});
        assertThat(indexer.tableCount()).isEqualTo(4);
        assertThat(indexer.index(Integer.MIN_VALUE)).isZero();
        assertThat(indexer.index(10)).isZero();          // scale <= T[0]: the smallest table
        assertThat(indexer.index(11)).isEqualTo(1);
        assertThat(indexer.index(20)).isEqualTo(1);
        assertThat(indexer.index(21)).isEqualTo(2);
        assertThat(indexer.index(40)).isEqualTo(2);
        assertThat(indexer.index(41)).isEqualTo(3);
        assertThat(indexer.index(Integer.MAX_VALUE)).isEqualTo(3);
        assertThat(indexer.indexes(new int[] {0, 15, 100})).containsExactly(0, 1, 3);
    }

    @Test
    void agreesWithALinearCount() {
        int[] t = new int[63];
        for (int j = 0; j < t.length; j++) {
            t[j] = (int) Math.round(0.11 * Math.pow(256 / 0.11, (double) j / 63) * 256);
        }
        ScaleIndexer indexer = new ScaleIndexer(t);
        for (int s = -5; s < 70_000; s += 7) {
            int count = 0;
            for (int v : t) {
                count += s > v ? 1 : 0;
            }
            assertThat(indexer.index(s)).isEqualTo(count);
        }
    }

    @Test
    void agreesWithALinearCountForEveryTableCount() {
        for (int n = 0; n <= 70; n++) {
            int[] t = new int[n];
            for (int j = 0; j < n; j++) {
                t[j] = 3 * j - 10;
            }
            ScaleIndexer indexer = new ScaleIndexer(t);
            for (int s = -15; s < 3 * n; s++) {
                int count = 0;
                for (int v : t) {
                    count += s > v ? 1 : 0;
                }
                assertThat(indexer.index(s)).as("%d thresholds, scale %d", n, s).isEqualTo(count);
            }
        }
    }

    @Test
    void rejectsThresholdsThatDoNotIncrease() {
        assertThatThrownBy(() -> new ScaleIndexer(new int[] {1, 1})).isInstanceOf(IllegalArgumentException.class);
    }
}
