package dev.lic.jobs.spark;

import dev.lic.core.adaptor.Detection;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The decode job's tables.
 *
 * <p>{@code decoded}: one row per bitstream file.
 * <pre>
 * id               string  content id of the bitstream (SHA-256 of the file; = the encode table's id)
 * source_path      string  the bitstream file's URI
 * codec_id         string  the bitstream's codec; null if it could not be read
 * adaptor          string  adaptor name asked for
 * adaptor_version  int     the version that decoded it; null if failed
 * task             string  image, detection or segmentation; null if failed
 * width, height    int     original image size; null if failed
 * status           string  "ok" or "failed"
 * error_kind       string  ErrorKind of a failure (CORRUPT_BITSTREAM, UNKNOWN_CODEC, ...); null if ok
 * error_reason     string  what was wrong; null if ok
 * output_path      string  the PNG written for an image task; null otherwise
 * detections       array&lt;struct&lt;class int, label string, score double, x0, y0, x1, y1 double&gt;&gt;  detection task
 * classes          array&lt;struct&lt;class int, label string, fraction double&gt;&gt;  segmentation task: pixel share per class
 * decode_ms        double  wall time of this decode on its executor
 * </pre>
 * {@code detections} (detection task): {@code id, class, label, score, x0, y0, x1, y1}, one row per box, in
 * original-image pixels. {@code segmentation} (segmentation task): {@code id, class, label, fraction}.
 */
public final class DecodeTable {
    public static final StructType DETECTION = new StructType(new StructField[] {
        DataTypes.createStructField("class", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("score", DataTypes.DoubleType, false),
        DataTypes.createStructField("x0", DataTypes.DoubleType, false),
        DataTypes.createStructField("y0", DataTypes.DoubleType, false),
        DataTypes.createStructField("x1", DataTypes.DoubleType, false),
        DataTypes.createStructField("y1", DataTypes.DoubleType, false),
    });

    public static final StructType CLASS_FRACTION = new StructType(new StructField[] {
        DataTypes.createStructField("class", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("fraction", DataTypes.DoubleType, false),
    });

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("source_path", DataTypes.StringType, false),
        DataTypes.createStructField("codec_id", DataTypes.StringType, true),
        DataTypes.createStructField("adaptor", DataTypes.StringType, false),
        DataTypes.createStructField("adaptor_version", DataTypes.IntegerType, true),
        DataTypes.createStructField("task", DataTypes.StringType, true),
        DataTypes.createStructField("width", DataTypes.IntegerType, true),
        DataTypes.createStructField("height", DataTypes.IntegerType, true),
        DataTypes.createStructField("status", DataTypes.StringType, false),
        DataTypes.createStructField("error_kind", DataTypes.StringType, true),
        DataTypes.createStructField("error_reason", DataTypes.StringType, true),
        DataTypes.createStructField("output_path", DataTypes.StringType, true),
        DataTypes.createStructField("detections", DataTypes.createArrayType(DETECTION, false), true),
        DataTypes.createStructField("classes", DataTypes.createArrayType(CLASS_FRACTION, false), true),
        DataTypes.createStructField("decode_ms", DataTypes.DoubleType, true),
    });

    private DecodeTable() {}

    /** A decoded bitstream; {@code outputPath}, {@code detections} and {@code classes} as its task gives. */
    static Row ok(String id, String sourcePath, String codecId, String adaptor, int version, String task, int width,
                  int height, String outputPath, List<Row> detections, List<Row> classes, double millis) {
        return RowFactory.create(id, sourcePath, codecId, adaptor, version, task, width, height, EncodeTable.OK, null,
                null, outputPath, scalaSeq(detections), scalaSeq(classes), millis);
    }

    static Row failed(String id, String sourcePath, String codecId, String adaptor, String errorKind, String reason,
                      Double millis) {
        return RowFactory.create(id, sourcePath, codecId, adaptor, null, null, null, null, EncodeTable.FAILED,
                errorKind, reason, null, null, null, millis);
    }

    /** Spark's row encoder takes arrays as Scala sequences. */
    private static Object scalaSeq(List<Row> rows) {
        return rows == null ? null : CollectionConverters.asScala(rows);
    }

    static List<Row> detections(DetectionOutput output) {
        List<Row> rows = new ArrayList<>(output.detections().size());
        for (Detection d : output.detections()) {
            rows.add(RowFactory.create(d.classIndex(), d.label(), d.score(), d.x0(), d.y0(), d.x1(), d.y1()));
        }
        return rows;
    }

    static List<Row> classes(SegmentationOutput output) {
        List<Row> rows = new ArrayList<>(output.fractions().length);
        for (int c = 0; c < output.fractions().length; c++) {
            String label = c < output.labels().size() ? output.labels().get(c) : null;
            rows.add(RowFactory.create(c, label, output.fractions()[c]));
        }
        return rows;
    }
}
