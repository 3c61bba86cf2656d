package dev.lic.core.entropy;

import dev.lic.core.hyper.ScaleIndexer;

/**
 * The contents of a codec pack's {@code entropy_tables.bin}: one z table per z channel, the y tables and
 * the scale thresholds that choose among them.
 */
public record EntropyTables(CdfTables z, CdfTables y, int[] thresholds) {
    public EntropyTables {
        thresholds = thresholds.clone();
    }

    @Override
    public int[] thresholds() {
        return thresholds.clone();
    }

    public ScaleIndexer scaleIndexer() {
        return new ScaleIndexer(thresholds);
    }
}
