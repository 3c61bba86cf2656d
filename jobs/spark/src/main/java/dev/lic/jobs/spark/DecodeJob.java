package dev.lic.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.AdaptorInfo;
import dev.lic.core.Codec;
import dev.lic.core.Limits;
import dev.lic.core.adaptor.AdaptorKind;
import dev.lic.store.StoreConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Decodes every {@code .lic} file under a folder (recursively; e.g. the encode job's bitstream folder), or
 * bitstreams of the shared store by id ({@link StoredIds}, {@link StoredDecodePartition}), through one
 * adaptor, into task outputs: {@code OUT/decoded} (one row per bitstream, {@link DecodeTable}), and by task
 * {@code OUT/png/<id>.png} (image), {@code OUT/detections} (one row per box) or {@code OUT/segmentation} (one
 * row per class). The per-box and per-class tables are made from {@code OUT/decoded} after it is
 * written, so every bitstream is decoded once.
 */
public final class DecodeJob {
    /** The files the job reads under its input folder. */
    public static final String DEFAULT_GLOB = "*" + DirectorySink.SUFFIX;

    /**
     * @param input a folder of bitstreams (local path or URI)
     * @param output the output folder (local or shared file system)
     * @param adaptor the adaptor name ({@code human}, {@code detection}, {@code segmentation}, ...)
     * @param adaptorVersion the adaptor version; 0 = the newest loaded
     * @param adaptorPacks extra adaptor pack folders, read on the driver and shipped to the executors
     * @param writePngs write the PNGs of an image task (else only the rows)
     * @param glob which files under {@code input} are bitstreams
     * @param store read the bitstreams from this store by id instead of files under {@code input} (then null)
     * @param ids the stored ids to decode (with {@code store})
     * @param idsFrom more ids: a Parquet table with an {@code id} column (the encode job's: its ok rows) or a
     *     text file of ids, one per line; null for none. With {@code store} and no ids at all, every stored
     *     bitstream is decoded.
     */
    public record Settings(String input, Path output, String adaptor, int adaptorVersion, List<Path> adaptorPacks,
                           boolean writePngs, String glob, Limits limits, int threadsPerTask, int partitions,
                           boolean overwrite, StoreConfig store, List<String> ids, String idsFrom) {
        /** Bitstream files under {@code input}. */
        public Settings(String input, Path output, String adaptor, int adaptorVersion, List<Path> adaptorPacks,
                        boolean writePngs, String glob, Limits limits, int threadsPerTask, int partitions,
                        boolean overwrite) {
            this(input, output, adaptor, adaptorVersion, adaptorPacks, writePngs, glob, limits, threadsPerTask,
                    partitions, overwrite, null, List.of(), null);
        }

        public Settings {
            ids = ids == null ? List.of() : List.copyOf(ids);
            if ((input == null) == (store == null)) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "decode either bitstream files (INPUT) or stored "
                        + "ids (--store-dir or --store-s3-bucket, with --id / --ids-from), not both or neither");
            }
            if (store == null && (!ids.isEmpty() || idsFrom != null)) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--id and --ids-from name stored bitstreams: they "
                        + "need the store (--store-dir or --store-s3-bucket)");
            }
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(adaptor, "adaptor");
            Objects.requireNonNull(glob, "glob");
            Objects.requireNonNull(limits, "limits");
            adaptorPacks = List.copyOf(adaptorPacks);
            if (adaptorVersion < 0) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--adaptor-version must be >= 0 (0: the newest)");
            }
            if (threadsPerTask < 1) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--threads-per-task must be >= 1");
            }
            if (partitions < 0) {
                throw new LicException(ErrorKind.INVALID_ARGUMENT, "--partitions must be >= 0");
            }
        }

        public String decodedTable() {
            return output.resolve("decoded").toString();
        }

        public String detectionsTable() {
            return output.resolve("detections").toString();
        }

        public String segmentationTable() {
            return output.resolve("segmentation").toString();
        }

        public Path pngDir() {
            return output.resolve("png");
        }
    }

    private DecodeJob() {}

    /** Runs the job and summarises the tables it wrote. */
    public static DecodeSummary run(SparkSession spark, Settings settings) {
        CodecSpec spec = CodecSpec.forDecoding(settings.adaptorPacks(), settings.threadsPerTask(), settings.limits());
        // The driver opens the codec first: a bad pack or an unknown adaptor stops here, before any task.
        Codec codec = ExecutorCodec.get(spec);
        List<AdaptorInfo> loaded = codec.adaptors();
        String task = loaded.stream().filter(a -> a.name().equals(settings.adaptor())).map(AdaptorInfo::task)
                .findFirst().orElseThrow(() -> new LicException(ErrorKind.UNKNOWN_ADAPTOR, "no adaptor named "
                        + settings.adaptor() + " is loaded (" + loaded.stream().map(AdaptorInfo::name).distinct()
                        .sorted().collect(Collectors.joining(", ")) + "); load its pack with --adaptor-pack DIR"));
        Outputs.checkTable(settings.decodedTable(), settings.overwrite());

        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkJobs.splitInputs(spark, settings.partitions());
        Broadcast<CodecSpec> shipped = context.broadcast(spec);
        long maxBytes = settings.limits().maxBitstreamBytes();
        long t0 = System.nanoTime(); // the job's time includes listing the input, which load() does now
        DecodePartition decoder = new DecodePartition(shipped, settings.adaptor(), settings.adaptorVersion(),
                settings.writePngs() ? settings.pngDir() : null, maxBytes);
        Dataset<Row> rows = settings.store() == null
                ? InputFiles.read(spark, settings.input(), maxBytes, settings.glob()).mapPartitions(decoder,
                        Encoders.row(DecodeTable.SCHEMA))
                : StoredIds.read(spark, settings, (int) maxBytes).mapPartitions(new StoredDecodePartition(shipped,
                        settings.store(), (int) maxBytes, decoder, settings.adaptor()),
                        Encoders.row(DecodeTable.SCHEMA));
        SaveMode mode = settings.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
        rows.write().mode(mode).parquet(settings.decodedTable());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Dataset<Row> decoded = spark.read().parquet(settings.decodedTable());
        // Derived tables: replaced along with the decoded table they come from.
        if (task.equals(AdaptorKind.DETECTION)) {
            decoded.select(col("id"), explode(col("detections")).as("d"))
                    .select(col("id"), col("d.class"), col("d.label"), col("d.score"), col("d.x0"), col("d.y0"),
                            col("d.x1"), col("d.y1"))
                    .write().mode(SaveMode.Overwrite).parquet(settings.detectionsTable());
        } else if (task.equals(AdaptorKind.SEGMENTATION)) {
            decoded.select(col("id"), explode(col("classes")).as("c"))
                    .select(col("id"), col("c.class"), col("c.label"), col("c.fraction"))
                    .write().mode(SaveMode.Overwrite).parquet(settings.segmentationTable());
        }
        return DecodeSummary.of(decoded, task, seconds, settings, context.defaultParallelism());
    }
}
