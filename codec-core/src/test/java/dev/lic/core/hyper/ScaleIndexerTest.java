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
    void agreesWithALinearCountForEveryScaleOfTheCodecsTables() {
        for (int frac = 8; frac <= 12; frac += 2) { // the log-spaced tables: the bucket lookup, not the search
            int[] t = new int[63];
            for (int j = 0; j < t.length; j++) {
                t[j] = (int) Math.round(0.11 * Math.pow(256 / 0.11, (j + 0.5) / 63) * (1 << frac));
            }
            ScaleIndexer indexer = new ScaleIndexer(t);
            int count = 0;
            for (int s = -3; s <= t[t.length - 1] + 3; s++) {
                while (count < t.length && t[count] < s) {
                    count++;
                }
                if (indexer.index(s) != count) {
                    assertThat(indexer.index(s)).as("F=%d, scale %d", frac, s).isEqualTo(count);
                }
            }
        }
    }

    @Test
    void agreesWithALinearCountOnRandomTables() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            int n = random.nextInt(80);
            int[] t = new int[n];
            int step = 1 + random.nextInt(trial % 2 == 0 ? 4 : 1 << 20); // dense (search) and sparse (lookup)
            int v = random.nextInt(2 * step + 20) - step - 10;
            for (int j = 0; j < n; j++) {
                t[j] = v;
                v += 1 + random.nextInt(step);
            }
            ScaleIndexer indexer = new ScaleIndexer(t);
            for (int j = 0; j < n; j++) {
                for (int s = t[j] - 1; s <= t[j] + 1; s++) {
                    assertThat(indexer.index(s)).as("trial %d, scale %d", trial, s).isEqualTo(linearCount(t, s));
                }
            }
            for (int s : new int[] {Integer.MIN_VALUE, -1, 0, 1, 2, 3, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
                assertThat(indexer.index(s)).as("trial %d, scale %d", trial, s).isEqualTo(linearCount(t, s));
            }
        }
    }

    private static int linearCount(int[] t, int s) {
        int count = 0;
        for (int v : t) {
            count += s > v ? 1 : 0;
        }
        return count;
    }

    @Test
    void rejectsThresholdsThatDoNotIncrease() {
        assertThatThrownBy(() -> new ScaleIndexer(new int[] {1, 1})).isInstanceOf(IllegalArgumentException.class);
    }
}
