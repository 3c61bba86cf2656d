package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.Limits;
import dev.lic.core.pack.CodecPack;
import dev.lic.store.StoreConfig;

import java.util.Objects;
import java.util.OptionalInt;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Encodes every file under a folder (recursively; a local path, any URI Spark's Hadoop file systems read,
 * or an {@code s3://bucket/prefix} read through the AWS SDK, {@link S3InputFiles}) at one rate: bitstreams
 * into a {@link BitstreamSink} (the shared store, {@link StoreSink}, or a folder), one row per file into a
 * Parquet table ({@link EncodeTable}).
 *
 * <p>Files are listed and read by {@link InputFiles}: files over {@code maxImageBytes} are never read and
 * become TOO_LARGE rows; the others are encoded partition by partition on the executors
 * ({@link EncodePartition}).
 */
public final class EncodeJob {
    /** Default {@code --max-image-bytes}: 64 MiB, the server's image byte limit. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 64L << 20;

    /**
     * @param input a folder (local path or URI)
     * @param sink where bitstreams go
     * @param table the Parquet table's folder: a local path or a URI (hdfs://, s3a://)
     * @param codecId the codec pack to encode with; null = the default (first bundled) pack
     * @param rate the rate index; empty = the pack's default rate
     * @param maxImageBytes files larger than this are not read
     * @param limits the codec's size limits (pixels, dimension)
     * @param threadsPerTask threads each encode may use (ONNX Runtime intra-op, hyper-synthesis)
     * @param partitions how many splits to read the input in at least; 0 = 4 per core of the cluster
     * @param overwrite replace an existing table
     * @param s3Input how to reach the bucket of an {@code s3://bucket/prefix} input (endpoint, region, path
     *     style; its bucket and prefix are the input's); null for other inputs, or AWS's defaults
     */
    public record Settings(String input, BitstreamSink sink, String table, String codecId, OptionalInt rate,
                           long maxImageBytes, Limits limits, int threadsPerTask, int partitions, boolean overwrite,
                           StoreConfig s3Input) {
        /** For an input that is not {@code s3://}, or one on AWS with the default region. */
        public Settings(String input, BitstreamSink sink, String table, String codecId, OptionalInt rate,
                        long maxImageBytes, Limits limits, int threadsPerTask, int partitions, boolean overwrite) {
            this(input, sink, table, codecId, rate, maxImageBytes, limits, threadsPerTask, partitions, overwrite, null);
        }

        public Settings {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(rate, "rate");
            Objects.requireNonNull(limits, "limits");
            if (maxImageBytes < 1 || maxImageBytes > Integer.MAX_VALUE - 16) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--max-image-bytes must be in 1..2^31-17");
            }
            if (threadsPerTask < 1) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--threads-per-task must be >= 1");
            }
            if (partitions < 0) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--partitions must be >= 0");
            }
            if (S3Uri.matches(input) && s3Input == null) {
                S3Uri uri = S3Uri.parse(input);
                s3Input = StoreConfig.s3(null, null, uri.bucket(), false, uri.prefix());
            } else if (!S3Uri.matches(input)) {
                s3Input = null;
            }
        }
    }

    private EncodeJob() {}

    /** Runs the job and summarises the table it wrote. */
    public static EncodeSummary run(SparkSession spark, Settings settings) {
        CodecSpec spec = CodecSpec.forEncoding(settings.threadsPerTask(), settings.limits());
        // The driver checks codec and rate before any task starts (in local mode this is the executors' codec).
        Codec codec = ExecutorCodec.get(spec);
        String codecId = settings.codecId() == null ? codec.defaultCodecId() : settings.codecId();
        CodecPack pack = codec.codecPack(codecId);
        int rate = settings.rate().orElse(pack.defaultRate());
        if (!pack.hasRate(rate)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "rate index " + rate + " is not in codec " + codecId
                    + " (it has 0.." + (pack.rates().size() - 1) + ")");
        }
        Outputs.checkTable(settings.table(), settings.overwrite());

        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkJobs.splitInputs(spark, settings.partitions());
        Broadcast<CodecSpec> shipped = context.broadcast(spec);

        long t0 = System.nanoTime(); // the job's time includes listing the input, which load() does now
        Dataset<Row> files = settings.s3Input() != null
                ? S3InputFiles.list(spark, settings.s3Input(), settings.partitions())
                : InputFiles.read(spark, settings.input(), settings.maxImageBytes(), null);
        Dataset<Row> rows = files.mapPartitions(
                new EncodePartition(shipped, settings.sink(), codecId, rate, settings.maxImageBytes(),
                        settings.s3Input()),
                Encoders.row(EncodeTable.SCHEMA));
        rows.write().mode(settings.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(settings.table());
        double seconds = (System.nanoTime() - t0) / 1e9;
        return EncodeSummary.of(spark.read().parquet(settings.table()), seconds, settings.sink().describe(),
                settings.table(), context.defaultParallelism());
    }
}
