package dev.lic.jobs.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What an encode run did, read back from the table it wrote.
 *
 * @param images input files (rows)
 * @param encoded rows with status ok
 * @param bytes bitstream bytes of the encoded images
 * @param meanBpp mean of the encoded images' bpp (each image weighs the same, as in RD tables); NaN if none
 * @param pooledBpp {@code 8 * bytes / pixels} over all encoded images; NaN if none
 * @param meanEncodeMillis mean wall time of one encode on its executor (NaN if none)
 * @param seconds wall time of the job (listing, reading, encoding, writing)
 * @param failures up to {@link #MAX_LISTED} failed rows, by source path
 */
public record EncodeSummary(long images, long encoded, long bytes, double meanBpp, double pooledBpp,
                            double meanEncodeMillis, double seconds,
                            int cores, String bitstreams, String table, List<Failure> failures) {
    /** How many failures the summary lists; the table has them all. */
    public static final int MAX_LISTED = 20;

    /** One input that was not encoded. */
    public record Failure(String sourcePath, String errorKind, String reason) {
    }

    public long failed() {
        return images - encoded;
    }

    static EncodeSummary of(Dataset<Row> table, double seconds, String bitstreams, String tablePath, int cores) {
        Row totals = table.agg(
                count(lit(1)),
                sum(when(col("status").equalTo(EncodeTable.OK), 1).otherwise(0)),
                sum(col("size")),
                avg(col("bpp")),
                sum(col("width").cast("long").multiply(col("height"))),
                avg(when(col("status").equalTo(EncodeTable.OK), col("encode_ms")))).first();
        long images = totals.getLong(0);
        long encoded = totals.isNullAt(1) ? 0 : totals.getLong(1);
        long bytes = totals.isNullAt(2) ? 0 : totals.getLong(2);
        double mean = totals.isNullAt(3) ? Double.NaN : totals.getDouble(3);
        long pixels = totals.isNullAt(4) ? 0 : totals.getLong(4);
        double pooled = pixels == 0 ? Double.NaN : 8.0 * bytes / pixels;
        double millis = totals.isNullAt(5) ? Double.NaN : totals.getDouble(5);
        List<Failure> failures = table.filter(col("status").equalTo(EncodeTable.FAILED))
                .orderBy("source_path").select("source_path", "error_kind", "error_reason")
                .limit(MAX_LISTED).collectAsList().stream()
                .map(r -> new Failure(r.getString(0), r.getString(1), r.getString(2))).toList();
        return new EncodeSummary(images, encoded, bytes, mean, pooled, millis, seconds, cores, bitstreams, tablePath,
                failures);
    }

    /** The lines {@code lic-spark encode} prints. */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "images %d: encoded %d, failed %d%n", images, encoded, failed()));
        out.append(String.format(Locale.ROOT, "bytes %d%n", bytes));
        out.append(String.format(Locale.ROOT, "mean bpp %.4f (over all pixels %.4f)%n", meanBpp, pooledBpp));
        out.append(String.format(Locale.ROOT, "time %.1f s, %.2f images/s on %d cores (%.0f ms per encode)%n",
                seconds, seconds > 0 ? images / seconds : 0.0, cores, meanEncodeMillis));
        for (Failure f : failures) {
            out.append(String.format(Locale.ROOT, "failed %s: %s %s%n", f.sourcePath(), f.errorKind(), f.reason()));
        }
        if (failed() > failures.size()) {
            out.append(String.format(Locale.ROOT, "... %d more failures in the table%n", failed() - failures.size()));
        }
        out.append("bitstreams ").append(bitstreams).append(System.lineSeparator());
        out.append("table ").append(table).append(System.lineSeparator());
        return out.toString();
    }
}
