package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.EncodeResult;
import dev.lic.store.StoreConfig;

import java.util.Iterator;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Encodes one partition of input files on an executor, with that JVM's one codec ({@link ExecutorCodec}).
 * Input rows are {@code (path string, length long, content binary)}, content null when the file was over
 * the byte limit and not read; output rows follow {@link EncodeTable#SCHEMA}, one per input, produced
 * lazily so a partition is never held in memory. A file that cannot be encoded becomes a failed row. The
 * objects of an {@code s3://} input come with null content and are read here, one at a time.
 */
final class EncodePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<CodecSpec> spec;
    private final BitstreamSink sink;
    private final String codecId;
    private final int rate;
    private final long maxImageBytes;
    /** The bucket of an {@code s3://} input, whose objects are read here; null for other inputs. */
    private final StoreConfig s3Input;

    EncodePartition(Broadcast<CodecSpec> spec, BitstreamSink sink, String codecId, int rate, long maxImageBytes,
                    StoreConfig s3Input) {
        this.spec = spec;
        this.s3Input = s3Input;
        this.sink = sink;
        this.codecId = codecId;
        this.rate = rate;
        this.maxImageBytes = maxImageBytes;
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
                return encode(codec, files.next());
            }
        };
    }

    private Row encode(Codec codec, Row file) {
        String path = file.getString(0);
        long length = file.getLong(1);
        byte[] content = file.isNullAt(2) ? null : (byte[]) file.get(2);
        if (content == null && s3Input != null && length <= maxImageBytes) {
            try {
                content = readObject(path);
            } catch (LicException e) {
                if (e.kind() != ErrorKind.TOO_LARGE && e.kind() != ErrorKind.NOT_FOUND) {
                    throw e; // the object store failing (after its retries) fails the task; Spark retries it
                }
                return EncodeTable.failed(path, codecId, rate, e.kind().name(), e.getMessage(), null);
            }
        }
        if (content == null) {
            return EncodeTable.failed(path, codecId, rate, ErrorKind.TOO_LARGE.name(), "file of " + length
                    + " bytes is over the limit of " + maxImageBytes + " bytes (--max-image-bytes); not read", null);
        }
        long t0 = System.nanoTime();
        EncodeResult result;
        try {
            result = codec.encode(content, codecId, rate);
        } catch (RuntimeException e) {
            Failures f = Failures.of(e);
            return EncodeTable.failed(path, codecId, rate, f.kind(), f.reason(), millisSince(t0));
        }
        // Outside the try: an output that cannot be written fails the task (Spark retries it), not the image.
        String id = sink.put(result.bitstream());
        return EncodeTable.ok(id, path, result.width(), result.height(), result.bitstream().length,
                result.bitsPerPixel(), result.codecId(), result.rateIndex(), millisSince(t0));
    }

    /** An object of the S3 input; NOT_FOUND when it was deleted since the listing, TOO_LARGE when it grew. */
    private byte[] readObject(String uri) {
        S3Uri bucket = new S3Uri(s3Input.s3Bucket(), s3Input.s3Prefix());
        return ExecutorStores.corpus(s3Input).read(bucket.keyOf(uri), maxImageBytes).orElseThrow(() ->
                new LicException(ErrorKind.NOT_FOUND, "object " + uri + " was listed but is gone"));
    }

    private static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }
}
