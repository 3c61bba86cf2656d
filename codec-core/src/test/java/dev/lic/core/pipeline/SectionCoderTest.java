package dev.lic.core.pipeline;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.entropy.CdfTables;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SectionCoderTest {
    private static final CdfTables Z = new CdfTables(
            new int[][] {{0, 20000, 40000, 65536}, {0, 1000, 65536}}, new int[] {4, 3}, new int[] {-1, 0});
    private static final CdfTables Y = new CdfTables(
            new int[][] {{0, 60000, 65536}, {0, 10000, 50000, 60000, 65536}}, new int[] {3, 5}, new int[] {0, -1});

    @Test
    void zChannelsUseTheirOwnTable() {
        assertThat(SectionCoder.zIndexes(2, 1, 3)).containsExactly(0, 0, 0, 1, 1, 1);
        int[] z = {-1, 0, 7, 0, 0, -9};
        byte[] s = SectionCoder.encodeZ(z, 2, 1, 3, Z);
        byte[] padded = new byte[s.length + 10];
        System.arraycopy(s, 0, padded, 10, s.length);
        assertThat(SectionCoder.decodeZ(padded, 10, s.length, 2, 1, 3, Z)).containsExactly(z);
    }

    @Test
    void ySymbolsUseTheTableOfTheirScaleIndex() {
        int[] q = {0, -1, 1, 5, 0};
        int[] k = {0, 1, 1, 0, 1};
        byte[] s = SectionCoder.encodeY(q, k, Y);
        assertThat(SectionCoder.decodeY(s, 0, s.length, k, Y)).containsExactly(q);
    }

    @Test
    void errorsNameTheSection() {
        assertThatThrownBy(() -> SectionCoder.decodeY(new byte[] {1, 0, 0, 0}, 0, 4, new int[] {1, 1}, Y))
                .isInstanceOfSatisfying(LicException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_BITSTREAM))
                .hasMessageStartingWith("y section");
        assertThatThrownBy(() -> SectionCoder.decodeZ(new byte[] {1, 0, 0}, 0, 3, 1, 1, 1, Z))
                .hasMessageStartingWith("z section");
    }
}
