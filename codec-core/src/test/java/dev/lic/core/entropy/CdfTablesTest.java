package dev.lic.core.entropy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CdfTablesTest {
    private static CdfTables one(int[] cdf, int size, int offset) {
        return new CdfTables(new int[][] {cdf}, new int[] {size}, new int[] {offset});
    }

    @Test
    void keepsAValidTable() {
        CdfTables t = one(new int[] {0, 100, 65000, 65536}, 4, -1);
        assertThat(t.count()).isEqualTo(1);
        assertThat(t.size(0)).isEqualTo(4);
        assertThat(t.offset(0)).isEqualTo(-1);
        assertThat(t.escape(0)).isEqualTo(2);
        assertThat(t.cdf(0)).containsExactly(0, 100, 65000, 65536);
    }

    @Test
    void rejectsTablesThatBreakTheRequires() {
        assertThatThrownBy(() -> one(new int[] {0, 65536}, 2, 0)).hasMessageContaining("size 2");
        assertThatThrownBy(() -> one(new int[] {1, 5, 65536}, 3, 0)).hasMessageContaining("cdf[0]");
        assertThatThrownBy(() -> one(new int[] {0, 5, 65535}, 3, 0)).hasMessageContaining("65536");
        assertThatThrownBy(() -> one(new int[] {0, 5, 5, 65536}, 4, 0)).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> one(new int[] {0, 65536, 65536}, 3, 0)).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> one(new int[] {0, 5}, 3, 0)).hasMessageContaining("fewer than 3");
        assertThatThrownBy(() -> new CdfTables(new int[][] {{0, 1, 65536}}, new int[] {3, 3}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsTheLargestTable() {
        int size = CdfTables.MAX_SIZE;
        int[] cdf = new int[size];
        for (int k = 0; k < size; k++) {
            cdf[k] = k;
        }
        CdfTables t = one(cdf, size, Integer.MIN_VALUE);
        assertThat(t.escape(0)).isEqualTo(65535);
    }
}
