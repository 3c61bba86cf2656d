package dev.lic.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lic.core.adaptor.AdaptorKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a decode run did, read back from its {@code decoded} table.
 *
 * @param bitstreams bitstream files (rows)
 * @param decoded rows with status ok
 * @param detections boxes over all bitstreams (detection task)
 * @param pngs PNG files written (image task)
 * @param outputs the tables and folders written
 * @param failures up to {@link EncodeSummary#MAX_LISTED} failed rows, by source path
 */
public record DecodeSummary(long bitstreams, long decoded, long detections, long pngs, String task, double seconds,
                            int cores, List<String> outputs, List<EncodeSummary.Failure> failures) {
    public long failed() {
        return bitstreams - decoded;
    }

    static DecodeSummary of(Dataset<Row> table, String task, double seconds, DecodeJob.Settings settings, int cores) {
        Row totals = table.agg(
                count(lit(1)),
                sum(when(col("status").equalTo(EncodeTable.OK), 1).otherwise(0)),
                sum(when(col("detections").isNotNull(), size(col("detections"))).otherwise(0)),
                count(col("output_path"))).first();
        long rows = totals.getLong(0);
        long ok = totals.isNullAt(1) ? 0 : totals.getLong(1);
        long boxes = totals.isNullAt(2) ? 0 : totals.getLong(2);
        long pngs = totals.getLong(3);
        List<EncodeSummary.Failure> failures = table.filter(col("status").equalTo(EncodeTable.FAILED))
                .orderBy("source_path").select("source_path", "error_kind", "error_reason")
                .limit(EncodeSummary.MAX_LISTED).collectAsList().stream()
                .map(r -> new EncodeSummary.Failure(r.getString(0), r.getString(1), r.getString(2))).toList();
        List<String> outputs = new ArrayList<>(List.of(settings.decodedTable()));
        switch (task) {
            case AdaptorKind.DETECTION -> outputs.add(settings.detectionsTable());
            case AdaptorKind.SEGMENTATION -> outputs.add(settings.segmentationTable());
            default -> {
                if (settings.writePngs()) {
                    outputs.add(settings.pngDir().toString());
                }
            }
        }
        return new DecodeSummary(rows, ok, boxes, pngs, task, seconds, cores, outputs, failures);
    }

    /** The lines {@code lic-spark decode} prints. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "bitstreams %d: decoded %d, failed %d (task %s)%n", bitstreams, decoded,
                failed(), task));
        if (task.equals(AdaptorKind.DETECTION)) {
            out.append(String.format(Locale.ROOT, "detections %d%n", detections));
        } else if (task.equals(AdaptorKind.IMAGE)) {
            out.append(String.format(Locale.ROOT, "pngs %d%n", pngs));
        }
        out.append(String.format(Locale.ROOT, "time %.1f s, %.2f bitstreams/s on %d cores%n", seconds,
                seconds > 0 ? bitstreams / seconds : 0.0, cores));
        for (EncodeSummary.Failure f : failures) {
            out.append(String.format(Locale.ROOT, "failed %s: %s %s%n", f.sourcePath(), f.errorKind(), f.reason()));
        }
        if (failed() > failures.size()) {
            out.append(String.format(Locale.ROOT, "... %d more failures in the table%n", failed() - failures.size()));
        }
        outputs.forEach(o -> out.append("output ").append(o).append(System.lineSeparator()));
        return out.toString();
    }
}
