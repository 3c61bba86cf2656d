package dev.lic.core;

import dev.lic.core.onnx.AnalysisTiling;
import dev.lic.core.onnx.SynthesisTiling;
import dev.lic.core.pack.PackSource;
import dev.lic.store.FileSystemRegistryStore;
import dev.lic.store.RegistryStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Objects;

/**
 * What {@link Codec#open} loads and how it runs.
 *
 * @param codecPacks codec packs to load; the first is the one {@link Codec#encode(byte[])} uses, the others
 *     serve bitstreams that name them
 * @param adaptorPacks adaptor packs to load; each must name a codec pack of {@code codecPacks}
 * @param intraOpThreads threads one request may use, in ONNX Runtime and in the integer hyper-synthesis
 *     ({@code >= 1}); results never depend on it
 * @param useCuda run the ONNX graphs on CUDA when this ONNX Runtime and machine can (else on the CPU, with a
 *     log line); the bitstream never depends on it
 * @param limits size limits for images and bitstreams
 * @param adaptorRepository where the versioned adaptor repository is stored (docs/adaptor-registry.md): a
 *     folder ({@link FileSystemRegistryStore}) or an object store, or
 *     null to hold adaptors in memory only (then {@code adaptorPacks} are loaded and any failure fails
 *     {@link Codec#open}); with a repository {@code adaptorPacks} are seeded into it when absent
 * @param synthesisTiling how the adaptor graph is split for large images (bounded memory; docs/memory.md)
 * @param analysisOnFirstUse read and verify each codec's {@code encoder.onnx} and create its analysis
 *     session when the first encode needs it, instead of in {@link Codec#open}: a process that only decodes
 *     (the offline CLI) never loads that graph. The server keeps the default, false, so a broken encoder
 *     graph fails at start-up
 * @param analysisTiling how the encoder graph is split for large images (bounded memory; docs/memory.md)
 */
public record CodecOptions(List<PackSource> codecPacks, List<PackSource> adaptorPacks, int intraOpThreads,
                           boolean useCuda, Limits limits, RegistryStore adaptorRepository,
                           SynthesisTiling synthesisTiling, boolean analysisOnFirstUse,
                           AnalysisTiling analysisTiling) {
    /** The variable-rate codec pack (format version 2) bundled in codec-core's jar: what encoding uses. */
    public static final String DEFAULT_CODEC_PACK = "lic/packs/codec/hyperprior-vr";
    /**
     * The single-rate codec pack (format version 1) that shipped before, bundled in codec-core's jar and
     * loaded after the default so that bitstreams made with it keep decoding.
     */
    public static final String LEGACY_CODEC_PACK_V1 = "lic/packs/codec/hyperprior-s";
    /**
     * Version 1 of the human adaptor of {@link #DEFAULT_CODEC_PACK} (float synthesis, what the Python reference
     * decodes to), bundled in the adaptors jar.
     */
    public static final String DEFAULT_HUMAN_ADAPTOR = "lic/packs/adaptors/human-hyperprior-vr";
    /**
     * Version 2 of that human adaptor: the same synthesis with its 3x3 convolutions in int8 (about half the
     * CPU, 0.01-0.06 dB less PSNR on Kodak; docs/benchmarks.md), bundled in the adaptors jar. Being the newest
     * bundled version, it is the one a fresh registry makes active; version 1 stays available by number.
     */
    public static final String DEFAULT_HUMAN_ADAPTOR_INT8 = "lic/packs/adaptors/human-int8-hyperprior-vr";
    /** The human adaptor of {@link #LEGACY_CODEC_PACK_V1}, bundled in the adaptors jar. */
    public static final String LEGACY_HUMAN_ADAPTOR_V1 = "lic/packs/adaptors/human-hyperprior-s";
    /** Every bundled codec pack (classpath prefixes), the encoding default first. */
    public static final List<String> BUNDLED_CODEC_PACKS = List.of(DEFAULT_CODEC_PACK, LEGACY_CODEC_PACK_V1);
    /** The detection T-adaptor of {@link #DEFAULT_CODEC_PACK} (YOLOX-nano, COCO-80; issue 9), in the adaptors jar. */
    public static final String DEFAULT_DETECTION_ADAPTOR = "lic/packs/adaptors/detection-hyperprior-vr";
    /** The segmentation T-adaptor of {@link #DEFAULT_CODEC_PACK} (the CamVid network, 11 classes; issue 9). */
    public static final String DEFAULT_SEGMENTATION_ADAPTOR = "lic/packs/adaptors/segmentation-hyperprior-vr";
    /** Every bundled adaptor pack (classpath prefixes). */
    public static final List<String> BUNDLED_ADAPTOR_PACKS = List.of(DEFAULT_HUMAN_ADAPTOR, DEFAULT_HUMAN_ADAPTOR_INT8,
            DEFAULT_DETECTION_ADAPTOR, DEFAULT_SEGMENTATION_ADAPTOR, LEGACY_HUMAN_ADAPTOR_V1);

    /** Options without an adaptor repository (adaptors held in memory) and with the default synthesis tiling. */
    public CodecOptions(List<PackSource> codecPacks, List<PackSource> adaptorPacks, int intraOpThreads,
                        boolean useCuda, Limits limits) {
        this(codecPacks, adaptorPacks, intraOpThreads, useCuda, limits, null, SynthesisTiling.DEFAULT, false,
                AnalysisTiling.DEFAULT);
    }

    /** Options whose analysis sessions are created in {@link Codec#open}. */
    public CodecOptions(List<PackSource> codecPacks, List<PackSource> adaptorPacks, int intraOpThreads,
                        boolean useCuda, Limits limits, RegistryStore adaptorRepository, SynthesisTiling synthesisTiling) {
        this(codecPacks, adaptorPacks, intraOpThreads, useCuda, limits, adaptorRepository, synthesisTiling, false,
                AnalysisTiling.DEFAULT);
    }

    public CodecOptions {
        codecPacks = List.copyOf(codecPacks);
        adaptorPacks = List.copyOf(adaptorPacks);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(synthesisTiling, "synthesisTiling");
        Objects.requireNonNull(analysisTiling, "analysisTiling");
        if (codecPacks.isEmpty()) {
            throw new IllegalArgumentException("at least one codec pack is needed");
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1");
        }
    }

    /**
     * The bundled packs ({@link #BUNDLED_CODEC_PACKS}, {@link #BUNDLED_ADAPTOR_PACKS}; the adaptors need the
     * adaptors jar on the class path), up to 4 threads per request, CPU, default limits.
     */
    public static CodecOptions defaults() {
        return new CodecOptions(BUNDLED_CODEC_PACKS.stream().map(PackSource::classpath).toList(),
                BUNDLED_ADAPTOR_PACKS.stream().map(PackSource::classpath).toList(),
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), false, Limits.defaults());
    }

    public CodecOptions withCodecPacks(List<PackSource> packs) {
        return new CodecOptions(packs, adaptorPacks, intraOpThreads, useCuda, limits, adaptorRepository,
                synthesisTiling, analysisOnFirstUse, analysisTiling);
    }

    public CodecOptions withAdaptorPacks(List<PackSource> packs) {
        return new CodecOptions(codecPacks, packs, intraOpThreads, useCuda, limits, adaptorRepository,
                synthesisTiling, analysisOnFirstUse, analysisTiling);
    }

    public CodecOptions withIntraOpThreads(int threads) {
        return new CodecOptions(codecPacks, adaptorPacks, threads, useCuda, limits, adaptorRepository,
                synthesisTiling, analysisOnFirstUse, analysisTiling);
    }

    public CodecOptions withUseCuda(boolean cuda) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, cuda, limits, adaptorRepository,
                synthesisTiling, analysisOnFirstUse, analysisTiling);
    }

    public CodecOptions withLimits(Limits newLimits) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, useCuda, newLimits, adaptorRepository,
                synthesisTiling, analysisOnFirstUse, analysisTiling);
    }

    /** Keeps adaptors in the versioned repository at {@code dir} (created if absent); null = in memory. */
    public CodecOptions withAdaptorRepository(Path dir) {
        return withAdaptorRepository(dir == null ? null : new FileSystemRegistryStore(dir));
    }

    /** Keeps adaptors in the versioned repository in {@code store}; null = in memory. */
    public CodecOptions withAdaptorRepository(RegistryStore store) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, useCuda, limits, store, synthesisTiling,
                analysisOnFirstUse, analysisTiling);
    }

    /** Where the adaptor repository is stored, when there is one. */
    public Optional<RegistryStore> adaptorStore() {
        return Optional.ofNullable(adaptorRepository);
    }

    /** The adaptor repository folder, when it is on a filesystem. */
    public Optional<Path> adaptorRepositoryDir() {
        return adaptorRepository instanceof FileSystemRegistryStore fs ? Optional.of(fs.dir()) : Optional.empty();
    }

    public CodecOptions withSynthesisTiling(SynthesisTiling tiling) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, useCuda, limits, adaptorRepository,
                tiling, analysisOnFirstUse, analysisTiling);
    }

    /** See {@link #analysisOnFirstUse()}. */
    public CodecOptions withAnalysisOnFirstUse(boolean onFirstUse) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, useCuda, limits, adaptorRepository,
                synthesisTiling, onFirstUse, analysisTiling);
    }

    public CodecOptions withAnalysisTiling(AnalysisTiling tiling) {
        return new CodecOptions(codecPacks, adaptorPacks, intraOpThreads, useCuda, limits, adaptorRepository,
                synthesisTiling, analysisOnFirstUse, tiling);
    }
}
