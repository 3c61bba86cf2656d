package dev.lic.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link MemoryModel#taskDecodeBytes}: what the measurements of docs/memory.md say a task decode takes. */
class MemoryModelTest {
    private static final long MB = 1 << 20;

    @Test
    void aTaskDecodeScalesWithThePowerOfTwoFrameItsTransformsPadTo() {
        // measured peak RSS above resting, MiB, the larger of detection and segmentation, adaptor versions 3
        // and 4 (docs/memory.md; version 4 takes at most what version 3 took);
        // the estimate stays above, by at most a fifth
        long[][] measured = {{1024, 270}, {2048, 1136}, {3072, 3975}, {4096, 4608}};
        for (long[] m : measured) {
            long estimate = MemoryModel.taskDecodeBytes((int) m[0], (int) m[0]);
            assertThat(estimate).as("%d^2", m[0]).isBetween(m[1] * MB, m[1] * MB * 6 / 5);
        }
        // 3072 wide pads to the 4096 frame, as 4096 does: nearly the same estimate
        assertThat(MemoryModel.taskDecodeBytes(3072, 3072)).isGreaterThan(MemoryModel.taskDecodeBytes(4096, 4096) * 4 / 5);
        // a strip pays for its own frame only
        assertThat(MemoryModel.taskDecodeBytes(16384, 1024)).isEqualTo(MemoryModel.taskDecodeBytes(1024, 16384));
        assertThat(MemoryModel.taskDecodeBytes(1, 1)).isGreaterThan(MemoryModel.FIXED_BYTES);
    }
}
