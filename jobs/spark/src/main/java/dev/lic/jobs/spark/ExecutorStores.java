package dev.lic.jobs.spark;

import dev.lic.store.BitstreamStore;
import dev.lic.store.BitstreamStores;
import dev.lic.store.EntryDescriber;
import dev.lic.store.StoreConfig;
import dev.lic.store.s3.S3Corpus;
import dev.lic.store.s3.S3Settings;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This JVM's one bitstream store per {@link StoreConfig} (and one S3 reader per input bucket), like
 * {@link ExecutorCodec}: opened by the first task that needs it (checking the bucket or preparing the folder
 * once), then shared by every task of the executor; an S3 store's client holds a connection pool and is
 * safe for concurrent use. Closed when the JVM exits.
 */
final class ExecutorStores {
    private static final Map<String, BitstreamStore> STORES = new ConcurrentHashMap<>();
    private static final Map<StoreConfig, S3Corpus> CORPORA = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> OPENED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            STORES.values().forEach(BitstreamStores::close);
            CORPORA.values().forEach(S3Corpus::close);
        }, "lic-store-close"));
    }

    private ExecutorStores() {}

    /** The store of {@code config}; objects over {@code maxObjectBytes} are corrupt by definition. */
    static BitstreamStore store(StoreConfig config, int maxObjectBytes) {
        String key = config + "|" + maxObjectBytes;
        return STORES.computeIfAbsent(key, k -> {
            OPENED.computeIfAbsent(config.toString(), x -> new AtomicInteger()).incrementAndGet();
            return BitstreamStores.open(config, maxObjectBytes, EntryDescriber.NONE);
        });
    }

    /** The reader of the objects under {@code config}'s bucket and prefix (an {@code s3://} input). */
    static S3Corpus corpus(StoreConfig config) {
        return CORPORA.computeIfAbsent(config, c -> new S3Corpus(S3Settings.of(c)));
    }

    /** How often this JVM opened the store of {@code config} (the tests check: once). */
    static int openedCount(StoreConfig config) {
        AtomicInteger n = OPENED.get(config.toString());
        return n == null ? 0 : n.get();
    }
}
