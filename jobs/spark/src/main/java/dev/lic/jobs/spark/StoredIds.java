package dev.lic.jobs.spark;

import static org.apache.spark.sql.functions.col;

import dev.lic.store.BitstreamStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The stored ids a decode job reads, as rows {@code (id string)} spread over the cluster: those named with
 * {@code --id}, those of {@code --ids-from} (a Parquet table's {@code id} column, e.g. the encode job's table,
 * its ok rows; or a text file of ids, one per line), or, when neither is given, every bitstream in the store
 * (listed on the driver, 1,000 ids per page).
 */
final class StoredIds {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType, true);
    private static final int PAGE = 1000;

    private StoredIds() {}

    static Dataset<Row> read(SparkSession spark, DecodeJob.Settings settings, int maxBitstreamBytes) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = settings.partitions() > 0 ? settings.partitions() : 4 * context.defaultParallelism();
        List<Row> named = new ArrayList<>();
        settings.ids().forEach(id -> named.add(RowFactory.create(id)));
        if (settings.idsFrom() == null && named.isEmpty()) {
            BitstreamStore store = ExecutorStores.store(settings.store(), maxBitstreamBytes);
            String after = "";
            List<String> page;
            do {
                page = store.ids(after, PAGE);
                page.forEach(id -> named.add(RowFactory.create(id)));
                after = page.isEmpty() ? after : page.get(page.size() - 1);
            } while (page.size() == PAGE);
        }
        Dataset<Row> ids = spark.createDataFrame(context.parallelize(named, Math.max(1, Math.min(slices,
                named.size()))), SCHEMA);
        if (settings.idsFrom() != null) {
            ids = ids.union(fromFile(spark, settings.idsFrom()).repartition(slices));
        }
        return ids;
    }

    /** A Parquet table (a folder, or a {@code .parquet} file): its non-null ids; anything else: one id a line. */
    private static Dataset<Row> fromFile(SparkSession spark, String location) {
        if (isParquet(spark, location)) {
            return spark.read().parquet(location).where(col("id").isNotNull()).select(col("id"));
        }
        return spark.read().text(location).where("trim(value) != ''").selectExpr("trim(value) as id");
    }

    private static boolean isParquet(SparkSession spark, String location) {
        if (location.endsWith(".parquet")) {
            return true;
        }
        Path local = Outputs.localPath(location);
        if (local != null) {
            return Files.isDirectory(local);
        }
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
            return FileSystem.get(path.toUri(), conf).getFileStatus(path).isDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --ids-from " + location, e);
        }
    }
}
