package dev.lic.jobs.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The encode job's Parquet table: one row per input file, whether it encoded or not.
 *
 * <pre>
 * id            string  content id of the bitstream (SHA-256, = its file name in the store); null if failed
 * source_path   string  the input file's URI
 * width, height int     image size in pixels; null if failed
 * size          long    bitstream bytes; null if failed
 * bpp           double  8 * size / (width * height); null if failed
 * codec_id      string  the codec pack that encoded it
 * rate          int     the rate index used
 * status        string  "ok" or "failed"
 * error_kind    string  ErrorKind of a failure (INVALID_IMAGE, TOO_LARGE, ...; docs/errors.md); null if ok
 * error_reason  string  what was wrong with this file; null if ok
 * encode_ms     double  wall time of this image's encode on its executor
 * </pre>
 */
public final class EncodeTable {
    public static final String OK = "ok";
    public static final String FAILED = "failed";

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("source_path", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, true),
        DataTypes.createStructField("height", DataTypes.IntegerType, true),
        DataTypes.createStructField("size", DataTypes.LongType, true),
        DataTypes.createStructField("bpp", DataTypes.DoubleType, true),
        DataTypes.createStructField("codec_id", DataTypes.StringType, true),
        DataTypes.createStructField("rate", DataTypes.IntegerType, true),
        DataTypes.createStructField("status", DataTypes.StringType, false),
        DataTypes.createStructField("error_kind", DataTypes.StringType, true),
        DataTypes.createStructField("error_reason", DataTypes.StringType, true),
        DataTypes.createStructField("encode_ms", DataTypes.DoubleType, true),
    });

    private EncodeTable() {}

    static Row ok(String id, String sourcePath, int width, int height, long size, double bpp, String codecId,
                  int rate, double millis) {
        return RowFactory.create(id, sourcePath, width, height, size, bpp, codecId, rate, OK, null, null, millis);
    }

    static Row failed(String sourcePath, String codecId, int rate, String errorKind, String reason, Double millis) {
        return RowFactory.create(null, sourcePath, null, null, null, null, codecId, rate, FAILED, errorKind, reason,
                millis);
    }
}
