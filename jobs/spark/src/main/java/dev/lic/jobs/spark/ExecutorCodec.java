package dev.lic.jobs.spark;

import dev.lic.core.Codec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one {@link Codec} of this JVM (an executor, or the driver in local mode), per {@link CodecSpec}:
 * opened lazily by the first task that needs it and then shared by every task of the JVM, since opening
 * loads and verifies the packs and creates the ONNX Runtime sessions (about a second and a few hundred MB),
 * while a {@code Codec} is immutable and safe for concurrent use. Closed when the JVM exits.
 */
public final class ExecutorCodec {
    private static final Map<String, Codec> CODECS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> OPENED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CODECS.values().forEach(Codec::close),
                "lic-codec-close"));
    }

    private ExecutorCodec() {}

    /** This JVM's codec for {@code spec}, opening it on first use (a failure is thrown to every caller). */
    public static Codec get(CodecSpec spec) {
        return CODECS.computeIfAbsent(spec.key(), k -> {
            OPENED.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
            return Codec.open(spec.options());
        });
    }

    /** How often this JVM has opened a codec for {@code spec} (the tests check: once, not per task or record). */
    public static int openedCount(CodecSpec spec) {
        AtomicInteger n = OPENED.get(spec.key());
        return n == null ? 0 : n.get();
    }
}
