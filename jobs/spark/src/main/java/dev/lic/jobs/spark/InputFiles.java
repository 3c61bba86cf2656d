package dev.lic.jobs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The files under a folder (recursively), as rows {@code (path string, length long, content binary)}, read
 * by Spark's {@code binaryFile} source. Files over {@code maxBytes} are listed but not read: their content
 * is null (the length filter runs on the listing, before any content is loaded), so one huge file can
 * neither fail the job nor exhaust an executor. Names starting with {@code .} or {@code _} are skipped, as by
 * every Spark file source.
 */
final class InputFiles {
    private InputFiles() {}

    /** @param glob a file-name pattern ({@code *.lic}), or null for every file */
    static Dataset<Row> read(SparkSession spark, String folder, long maxBytes, String glob) {
        DataFrameReader reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
        if (glob != null) {
            reader = reader.option("pathGlobFilter", glob);
        }
        Dataset<Row> files = reader.load(folder);
        Dataset<Row> readable = files.filter(col("length").leq(maxBytes))
                .select(col("path"), col("length"), col("content"));
        Dataset<Row> oversized = files.filter(col("length").gt(maxBytes))
                .select(col("path"), col("length"), lit(null).cast(DataTypes.BinaryType).as("content"));
        return readable.union(oversized);
    }
}
