package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.core.Codec;
import dev.lic.core.DecodeResult;
import dev.lic.core.adaptor.DetectionOutput;
import dev.lic.core.adaptor.SegmentationOutput;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Decodes one partition of bitstream files on an executor through one adaptor, with that JVM's one codec
 * ({@link ExecutorCodec}). Input rows as {@link InputFiles} gives them; output rows follow
 * {@link DecodeTable#SCHEMA}, lazily, one per file. Image results are written as {@code <pngDir>/<id>.png}
 * (unless {@code pngDir} is null); a file that cannot be decoded becomes a failed row.
 */
final class DecodePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<CodecSpec> spec;
    private final String adaptor;
    private final int adaptorVersion;
    private final String pngDir;
    private final long maxBitstreamBytes;

    DecodePartition(Broadcast<CodecSpec> spec, String adaptor, int adaptorVersion, Path pngDir, long maxBitstreamBytes) {
        this.spec = spec;
        this.adaptor = adaptor;
        this.adaptorVersion = adaptorVersion;
        this.pngDir = pngDir == null ? null : pngDir.toString();
        this.maxBitstreamBytes = maxBitstreamBytes;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
        Codec codec = ExecutorCodec.get(spec.value());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return files.hasNext();
            }

            @Override
            public Row next() {
                return decode(codec, files.next());
            }
        };
    }

    private Row decode(Codec codec, Row file) {
        String path = file.getString(0);
        long length = file.getLong(1);
        if (file.isNullAt(2)) {
            return DecodeTable.failed(null, path, null, adaptor, ErrorKind.TOO_LARGE.name(), "file of " + length
                    + " bytes is over the bitstream limit of " + maxBitstreamBytes + " bytes; not read", null);
        }
        return decode(codec, path, (byte[]) file.get(2));
    }

    /** Decodes one bitstream read from {@code path} into its row (also for bitstreams read from the store). */
    Row decode(Codec codec, String path, byte[] bitstream) {
        String id = ContentIds.of(bitstream);
        long t0 = System.nanoTime();
        String codecId = null;
        DecodeResult result;
        try {
            codecId = codec.inspect(bitstream).codecId();
            result = codec.decode(bitstream, adaptor, adaptorVersion);
        } catch (RuntimeException e) {
            Failures f = Failures.of(e);
            return DecodeTable.failed(id, path, codecId, adaptor, f.kind(), f.reason(), millisSince(t0));
        }
        String outputPath = null;
        List<Row> detections = null;
        List<Row> classes = null;
        if (result.output() instanceof DetectionOutput d) {
            detections = DecodeTable.detections(d);
        } else if (result.output() instanceof SegmentationOutput s) {
            classes = DecodeTable.classes(s);
        } else if (pngDir != null) {
            Path png = Path.of(pngDir, id + ".png");
            // Outside any try: an output that cannot be written fails the task (Spark retries it).
            AtomicFiles.write(png, result.pngBytes());
            outputPath = png.toString();
        }
        return DecodeTable.ok(id, path, result.codecId(), result.adaptorName(), result.adaptorVersion(),
                result.task(), result.width(), result.height(), outputPath, detections, classes, millisSince(t0));
    }

    private static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
