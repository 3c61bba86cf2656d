package dev.lic.core;

import dev.lic.core.pack.PackSource;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Codec#open} loads and how it runs.
 *
 * @param codecPacks codec packs to load; the first is the one {@link Codec#encode(byte[], int)} uses
 * @param adaptorPacks adaptor packs to load; each must name a codec pack of {@code codecPacks}
 * @param intraOpThreads threads one request may use, in ONNX Runtime and in the integer hyper-synthesis
 *     ({@code >= 1}); results never depend on it
 * @param useCuda run the ONNX graphs on CUDA when this ONNX Runtime and machine can (else on the CPU, with a
 *     log line); the bitstream never depends on it
 * @param limits size limits for images and bitstreams
 */
public record CodecOptions(List<PackSource> codecPacks, List<PackSource> adaptorPacks, int intraOpThreads,
                           boolean useCuda, Limits limits) {
    /** The codec pack bundled in codec-core's jar. */
    public static final String DEFAULT_CODEC_PACK = "lic/packs/codec/default";
    /** The human adaptor pack bundled in the adaptors jar. */
    public static final String DEFAULT_HUMAN_ADAPTOR = "lic/packs/adaptors/human";

    public CodecOptions {
        codecPacks = List.copyOf(codecPacks);
        adaptorPacks = List.copyOf(adaptorPacks);
        Objects.requireNonNull(limits, "limits");
        if (codecPacks.isEmpty()) {
            throw new IllegalArgumentException("at least one codec pack is needed");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1");
        }
    }

    /**
     * The bundled packs (classpath {@value #DEFAULT_CODEC_PACK} and {@value #DEFAULT_HUMAN_ADAPTOR}), up to 4
     * threads per request, CPU, default limits.
     */
    public static CodecOptions defaults() {
        return new CodecOptions(List.of(PackSource.classpath(DEFAULT_CODEC_PACK)),
                List.of(PackSource.classpath(DEFAULT_HUMAN_ADAPTOR)),
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), false, Limits.defaults());
    }

    public CodecOptions withCodecPacks(List<PackSource> packs) {
        return new CodecOptions(packs, adaptorPacks, intraOpThreads, useCuda, limits);
    }

    public CodecOptions withAdaptorPacks(List<PackSource> packs) {
        return new CodecOptions(codecPacks, packs, intraOpThreads, useCuda, limits);
    }

    public CodecOptions withIntraOpThreads(int threads) {
        return new CodecOptions(codecPacks, adaptorPacks, threads, useCuda, limits);
    }

    public CodecOptions withUseCuda(boolean cuda) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, cuda, limits);
    }

    public CodecOptions withLimits(Limits newLimits) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, useCuda, newLimits);
    }
}
