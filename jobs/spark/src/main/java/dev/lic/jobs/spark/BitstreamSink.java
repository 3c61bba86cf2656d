package dev.lic.jobs.spark;

import java.io.Serializable;

/**
 * Where the encode job puts bitstreams: content-addressed, idempotent (a task retried by Spark writes the
 * same bytes under the same id), never a half-written object visible.
 *
 * <p>A sink is created on the driver and shipped to every task, so it is {@link Serializable} and holds only
 * its configuration; {@link #put} runs on the executors, concurrently. It mirrors {@code put} of the
 * server's bitstream store, so the shared store SPI (filesystem or S3) can be plugged in by an adapter.
 */
public interface BitstreamSink extends Serializable {
    /**
     * Stores {@code bitstream}; returns its content id (lowercase hex SHA-256 of the bytes).
     *
     * @throws java.io.UncheckedIOException when the bytes cannot be written: a failure of the output, not of
     *     the image, so the task fails (and Spark retries it) instead of a row saying "failed"
     */
    String put(byte[] bitstream);

    /** Where the bitstreams go, for the summary and messages. */
    String describe();
}
