package dev.lic.jobs.spark;

import dev.lic.store.StoreConfig;
import dev.lic.store.s3.S3Corpus;

import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The objects under an {@code s3://bucket/prefix}, as {@link InputFiles} gives a folder's files: rows
 * {@code (path string, length long, content binary)}, here with content always null: the driver only lists
 * (1,000 keys per request) and each executor reads its objects itself when it encodes them
 * ({@link EncodePartition}, through the AWS SDK with the store's client settings). Keys whose last name
 * starts with {@code .} or {@code _}, and "folder" keys ending in {@code /}, are skipped, as Spark's file
 * sources skip such names.
 */
final class S3InputFiles {
    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("length", DataTypes.LongType, false)
            .add("content", DataTypes.BinaryType, true);

    private S3InputFiles() {}

    /** @param partitions how many splits; 0 = four per core */
    static Dataset<Row> list(SparkSession spark, StoreConfig input, int partitions) {
        S3Corpus corpus = ExecutorStores.corpus(input);
        List<Row> rows = corpus.list().stream().filter(e -> visible(e.key()))
                .map(e -> RowFactory.create(S3Uri.of(input.s3Bucket(), e.key()), e.size(), null)).toList();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = partitions > 0 ? partitions : 4 * context.defaultParallelism();
        return spark.createDataFrame(context.parallelize(rows, Math.max(1, Math.min(slices, rows.size()))), SCHEMA);
    }

    private static boolean visible(String key) {
        if (key.endsWith("/")) {
            return false;
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        return !name.startsWith(".") && !name.startsWith("_");
    }
}
