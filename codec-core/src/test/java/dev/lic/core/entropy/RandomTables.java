package dev.lic.core.entropy;

import java.util.Arrays;
import java.util.Random;

/** Random valid CDF tables for coder tests. */
final class RandomTables {
    private RandomTables() {
    }

    static CdfTables create(Random random, int count, int maxSize) {
        int[][] cdfs = new int[count][];
        int[] sizes = new int[count];
        int[] offsets = new int[count];
        for (int t = 0; t < count; t++) {
            int size = 3 + random.nextInt(maxSize - 2);
            sizes[t] = size;
            offsets[t] = random.nextInt(201) - 100;
            cdfs[t] = randomCdf(random, size);
        }
        return new CdfTables(cdfs, sizes, offsets);
    }

    /** A strictly increasing CDF from 0 to 65536 with {@code size} entries, skewed like real tables. */
    static int[] randomCdf(Random random, int size) {
        int symbols = size - 1;
        double[] weight = new double[symbols];
        double sum = 0;
        for (int s = 0; s < symbols; s++) {
            weight[s] = Math.pow(random.nextDouble(), 4) + 1e-6;
            sum += weight[s];
        }
        int spare = 65536 - symbols; // every symbol gets 1, the rest by weight
        int[] freq = new int[symbols];
        int used = 0;
        for (int s = 0; s < symbols; s++) {
            freq[s] = 1 + (int) Math.floor(spare * weight[s] / sum);
            used += freq[s];
        }
        freq[random.nextInt(symbols)] += 65536 - used;
        int[] cdf = new int[size];
        for (int s = 0; s < symbols; s++) {
            cdf[s + 1] = cdf[s] + freq[s];
        }
        if (cdf[size - 1] != 65536) {
            throw new AssertionError(Arrays.toString(cdf));
        }
        return cdf;
    }
}
