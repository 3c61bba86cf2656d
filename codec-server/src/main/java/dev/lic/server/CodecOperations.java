package dev.lic.server;

import dev.lic.api.Adaptors;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.Codec;
import dev.lic.core.DecodeResult;
import dev.lic.core.EncodeResult;
import dev.lic.core.MemoryModel;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.image.ImageReader;
import dev.lic.server.ops.LicMetrics;
import dev.lic.store.BitstreamStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The request logic shared by every entry point (gRPC services, REST gateway): the size limits, the
 * admission against the memory budget and the calls into codec-core and the store. Errors are
 * {@link LicException}s (plus admission's BUSY refusal); each transport maps them once.
 */
@ApplicationScoped
public class CodecOperations {
    @Inject
    Codec codec;

    @Inject
    BitstreamStore store;

    @Inject
    LicConfig config;

    @Inject
    Admission admission;

    @Inject
    LicMetrics metrics;

    public Codec codec() {
        return codec;
    }

    /**
     * Encodes with the codec a request names ({@link Codec#codecIdOf}: empty = the default codec);
     * {@code rate} empty = the pack's default rate.
     */
    public EncodeResult encode(byte[] image, String codecName, OptionalInt rate, Cancellation cancellation) {
        long start = System.nanoTime();
        AtomicInteger inFlight = metrics.inFlight("encode");
        inFlight.incrementAndGet();
        try {
            EncodeResult result = admitAndEncode(image, codec.codecIdOf(codecName), rate, cancellation);
            metrics.encode(result.codecId(), result.rateIndex(), "OK", System.nanoTime() - start);
            return result;
        } catch (RuntimeException e) {
            // rate -1: a failed request's rate may be any number, and tags must stay a bounded set
            metrics.encode(codec.defaultCodecId(), -1, LicMetrics.statusOf(e), System.nanoTime() - start);
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private EncodeResult admitAndEncode(byte[] image, String codecId, OptionalInt rate, Cancellation cancellation) {
        if (image.length == 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "image is empty");
        }
        if (image.length > config.limits().maxImageBytes()) {
            throw new LicException(ErrorKind.TOO_LARGE, "image of " + image.length
                    + " bytes is over the limit of " + config.limits().maxImageBytes());
        }
        int[] size = ImageReader.size(image); // header only; an unreadable one fails in encode, cheaply
        // Over the limits or unreadable: the codec refuses it before any large allocation.
        long estimate = size == null || !CodecProducer.limits(config).allows(size[0], size[1])
                ? MemoryModel.FIXED_BYTES : MemoryModel.encodeBytes(size[0], size[1], codec.analysisTiling());
        try (Admission.Ticket ticket = admission.admit(estimate, "encode of " + sizeText(size))) {
            return codec.encode(image, codecId, rate, cancellation);
        }
    }

    /**
     * Decodes with the named adaptor (empty = {@link Adaptors#DEFAULT_NAME}; version 0 = the active one) and
     * builds the caller's response from the result while the admission ticket is still held (the PNG is
     * part of the peak). {@code options}: the request's post-processing settings (docs/adaptor-pack.md).
     */
    public <T> T decode(byte[] bitstream, String adaptor, int version, TaskOptions options,
            Cancellation cancellation, Function<DecodeResult, T> respond) {
        long start = System.nanoTime();
        String name = adaptor == null || adaptor.isEmpty() ? Adaptors.DEFAULT_NAME : adaptor;
        AtomicInteger inFlight = metrics.inFlight("decode");
        inFlight.incrementAndGet();
        try {
            return admitAndDecode(bitstream, name, version, options, cancellation, result -> {
                T response = respond.apply(result);
                metrics.decode(result.codecId(), result.adaptorName(), result.adaptorVersion(), result.task(), "OK",
                        System.nanoTime() - start);
                return response;
            });
        } catch (RuntimeException e) {
            metrics.decode(codecOf(bitstream), knownAdaptor(name), 0, "", LicMetrics.statusOf(e),
                    System.nanoTime() - start);
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The bitstream's codec id for a failed decode's metrics ("unknown" when its header cannot be read). */
    private String codecOf(byte[] bitstream) {
        try {
            String id = codec.inspect(bitstream).codecId();
            return codec.codecIds().contains(id) ? id : "unknown";
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** The name for metrics: a registered adaptor's, else "unknown" (so that requests cannot add tag values). */
    private String knownAdaptor(String name) {
        return codec.registry().list().stream().anyMatch(a -> a.name().equals(name)) ? name : "unknown";
    }

    private <T> T admitAndDecode(byte[] bitstream, String name, int version, TaskOptions options,
            Cancellation cancellation, Function<DecodeResult, T> respond) {
        if (bitstream.length > config.limits().maxBitstreamBytes()) {
            throw new LicException(ErrorKind.TOO_LARGE, "bitstream of " + bitstream.length
                    + " bytes is over the limit of " + config.limits().maxBitstreamBytes());
        }
        if (version < 0) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "adaptor version " + Integer.toUnsignedString(version)
                    + " is out of range");
        }
        BitstreamHeader header = codec.inspect(bitstream); // container and CRC only: the size to admit
        long estimate = CodecProducer.limits(config).allows(header.width(), header.height())
                ? codec.decodeMemory(header, name, version)
                : MemoryModel.FIXED_BYTES; // refused by the codec before any large allocation
        try (Admission.Ticket ticket = admission.admit(estimate, "decode of " + header.width() + "x"
                + header.height())) {
            DecodeResult result = codec.decode(bitstream, name, version, options, cancellation);
            cancellation.check("output encoding");
            return respond.apply(result);
        }
    }

    /** Stores a well-formed bitstream within the bitstream limit. */
    public BitstreamStore.PutResult put(byte[] bitstream) {
        if (bitstream.length > config.limits().maxBitstreamBytes()) {
            throw new LicException(ErrorKind.TOO_LARGE, "bitstream of " + bitstream.length
                    + " bytes is over the limit of " + config.limits().maxBitstreamBytes());
        }
        BitstreamFormat.parse(bitstream);
        return store.put(bitstream);
    }

    private static String sizeText(int[] size) {
        return size == null ? "an image" : size[0] + "x" + size[1];
    }
}
