package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.store.BitstreamStore;
import dev.lic.store.StoreConfig;

import java.util.Iterator;
import java.util.Set;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Decodes one partition of stored ids on an executor: each id's bitstream is read from the shared store (this
 * JVM's one, {@link ExecutorStores}; the store verifies the bytes against the id) and decoded as
 * {@link DecodePartition} decodes a file. An id that is malformed, not stored or whose object fails its
 * checksum is a failed row with that reason; a store that cannot be reached (after its retries) fails the
 * task, which Spark retries.
 */
final class StoredDecodePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** What an id can be wrong with: it is the input's fault, so a row, not a failed task. */
    private static final Set<ErrorKind> ROW_FAILURES = Set.of(ErrorKind.INVALID_ARGUMENT, ErrorKind.NOT_FOUND,
            ErrorKind.STORE_CORRUPT);

    private final Broadcast<CodecSpec> spec;
    private final StoreConfig store;
    private final int maxBitstreamBytes;
    private final DecodePartition decoder;
    private final String adaptor;

    StoredDecodePartition(Broadcast<CodecSpec> spec, StoreConfig store, int maxBitstreamBytes,
                          DecodePartition decoder, String adaptor) {
        this.spec = spec;
        this.store = store;
        this.maxBitstreamBytes = maxBitstreamBytes;
        this.decoder = decoder;
        this.adaptor = adaptor;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> ids) {
        Codec codec = ExecutorCodec.get(spec.value());
        BitstreamStore bitstreams = ExecutorStores.store(store, maxBitstreamBytes);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public Row next() {
                return decode(codec, bitstreams, ids.next().getString(0));
            }
        };
    }

    private Row decode(Codec codec, BitstreamStore bitstreams, String rawId) {
        String id = rawId == null ? "" : rawId.trim();
        String where = store.uriOf(id);
        long t0 = System.nanoTime();
        byte[] bitstream;
        try {
            bitstream = bitstreams.get(id);
        } catch (LicException e) {
            if (!ROW_FAILURES.contains(e.kind())) {
                throw e;
            }
            return DecodeTable.failed(id.isEmpty() ? null : id, where, null, adaptor, e.kind().name(), e.getMessage(),
                    (System.nanoTime() - t0) / 1e6);
        }
        return decoder.decode(codec, where, bitstream);
    }
}
