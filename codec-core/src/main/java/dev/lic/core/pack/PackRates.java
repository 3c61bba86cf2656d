package dev.lic.core.pack;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code rates} and {@code default_rate} of a codec manifest (docs/codec-pack.md), checked against the
 * pack's rate count: one rate, index 0, for version 1; indexes {@code 0 .. R-1} in order, {@code R} from
 * {@code gains.bin}, and a required default for version 2. The descriptive numbers are optional.
 *
 * @param rates the rates, index {@code i} at position {@code i}
 * @param defaultRate the index an encoder uses when a request names none
 */
record PackRates(List<CodecPack.Rate> rates, int defaultRate) {
    private static final String[] DESCRIPTIVE = {"lambda", "kodak_bpp", "kodak_psnr"};

    static PackRates read(PackSource source, JsonNode root, int formatVersion, int rateCount) {
        List<CodecPack.Rate> rates = readRates(source, root.path("rates"), formatVersion, rateCount);
        JsonNode node = root.path("default_rate");
        if (node.isMissingNode() || node.isNull()) {
            if (formatVersion >= 2) {
                throw Manifest.invalid(source, Manifest.FILE_NAME, "default_rate is required in format_version "
                        + formatVersion);
            }
            return new PackRates(rates, 0);
        }
        if (!node.isInt() || node.intValue() < 0 || node.intValue() >= rateCount) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "default_rate " + node + " is not a rate index 0.."
                    + (rateCount - 1));
        }
        return new PackRates(rates, node.intValue());
    }

    private static List<CodecPack.Rate> readRates(PackSource source, JsonNode node, int formatVersion,
                                                  int rateCount) {
        String rule = formatVersion == 1 ? "version 1 packs hold exactly one rate, index 0"
                : "rates must list indexes 0.." + (rateCount - 1) + " in order (" + rateCount + " rates in "
                + GainsFile.FILE_NAME + ")";
        if (!node.isArray() || node.size() != rateCount) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, rule + (node.isArray() ? "; it lists " + node.size()
                    : "; rates is not a list"));
        }
        List<CodecPack.Rate> rates = new ArrayList<>();
        for (int i = 0; i < rateCount; i++) {
            JsonNode r = node.get(i);
            if (!r.path("index").isInt() || r.path("index").intValue() != i) {
                throw Manifest.invalid(source, Manifest.FILE_NAME, rule + "; entry " + i + " has index "
                        + r.path("index"));
            }
            double[] numbers = new double[DESCRIPTIVE.length];
            for (int k = 0; k < DESCRIPTIVE.length; k++) {
                numbers[k] = descriptive(source, r, i, DESCRIPTIVE[k]);
            }
            rates.add(new CodecPack.Rate(i, numbers[0], numbers[1], numbers[2]));
        }
        return List.copyOf(rates);
    }

    /** An optional finite number; NaN when absent. */
    private static double descriptive(PackSource source, JsonNode rate, int i, String field) {
        JsonNode v = rate.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw Manifest.invalid(source, Manifest.FILE_NAME, "rates[" + i + "]." + field + " must be a number");
        }
        return v.doubleValue();
    }
}
