package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LatentGrid;
import dev.lic.api.LicException;
import dev.lic.core.adaptor.AdaptorOutput;
import dev.lic.core.adaptor.ImageAdaptor;
import dev.lic.core.adaptor.TaskAdaptor;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.entropy.EntropyTables;
import dev.lic.core.image.ImageReader;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.image.RgbImage;
import dev.lic.core.onnx.AnalysisSession;
import dev.lic.core.onnx.AnalysisTiling;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.SynthesisTiling;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.core.pipeline.HyperPrior;
import dev.lic.core.pipeline.InverseGain;
import dev.lic.core.pipeline.LatentQuantizer;
import dev.lic.core.pipeline.SectionCoder;
import dev.lic.core.registry.AdaptorLease;
import dev.lic.core.registry.AdaptorRepository;
import dev.lic.core.registry.PackRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;

/**
 * The codec: encode images to bitstreams, decode bitstreams through an adaptor, inspect them.
 *
 * <p>{@link #open} loads and verifies every pack (hashes, codec ids, the integer network, the tables, the
 * graphs' tensor names) and creates one ONNX Runtime session per graph; a pack failing any check fails
 * the open with INVALID_PACK. After that a {@code Codec} is immutable and safe for concurrent use. Every
 * failure is a {@link LicException} with its {@link ErrorKind}.
 *
 * <p>Encode: read image (limits) → analysis graph (fed the rate's gain for a variable-rate pack) → round
 * z → integer h_s → scale indexes → quantise y → rANS z and y → container. Decode: container → rANS z →
 * integer h_s → rANS y → y_hat (times the rate's inverse gain for a variable-rate pack) → adaptor graph
 * → 8-bit RGB. Everything that decides entropy decoding is integer arithmetic; the float graphs only shape
 * pixels.
 */
public final class Codec implements AutoCloseable {
    private final Limits limits;
    private final Map<String, LoadedCodec> codecs;
    private final String defaultCodecId;
    private final PackRegistry registry;
    private final ExecutorService hyperExecutor;
    private final SynthesisTiling tiling;
    private final AnalysisTiling analysisTiling;

    /** A codec pack with its integer h_s and its analysis session, created in open or on first use. */
    private static final class LoadedCodec {
        final CodecPack pack;
        final HyperPrior hyper;
        private final SessionConfig config;
        private volatile AnalysisSession analysis;

        LoadedCodec(CodecPack pack, HyperPrior hyper, SessionConfig config, boolean analysisNow) {
            this.pack = pack;
            this.hyper = hyper;
            this.config = config;
            if (analysisNow) {
                analysis = new AnalysisSession(pack, config);
            }
        }

        AnalysisSession analysis() {
            AnalysisSession a = analysis;
            if (a == null) {
                synchronized (this) {
                    a = analysis;
                    if (a == null) {
                        a = new AnalysisSession(pack, config);
                        analysis = a;
                    }
                }
            }
            return a;
        }

        boolean analysisLoaded() {
            return analysis != null;
        }

        synchronized void close() {
            if (analysis != null) {
                analysis.close();
            }
        }
    }

    private Codec(Limits limits, Map<String, LoadedCodec> codecs, PackRegistry registry,
                  ExecutorService hyperExecutor, SynthesisTiling tiling, AnalysisTiling analysisTiling) {
        this.tiling = tiling;
        this.analysisTiling = analysisTiling;
        this.limits = limits;
        this.codecs = codecs;
        this.defaultCodecId = codecs.keySet().iterator().next();
        this.registry = registry;
        this.hyperExecutor = hyperExecutor;
    }

    /**
     * Loads and verifies the packs of {@code options}; INVALID_PACK if a codec pack fails, or, without an
     * adaptor repository, if an adaptor pack fails. With a repository, adaptor versions that fail are
     * listed FAILED by {@link #registry()} instead.
     */
    public static Codec open(CodecOptions options) {
        SessionConfig config = new SessionConfig(options.intraOpThreads(), options.useCuda());
        Map<String, LoadedCodec> codecs = new LinkedHashMap<>();
        PackRegistry registry = null;
        try {
            for (PackSource source : options.codecPacks()) {
                CodecPack pack = CodecPack.load(source, options.analysisOnFirstUse());
                if (codecs.containsKey(pack.codecId())) {
                    throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": codec "
                            + pack.codecId() + " is already loaded");
                }
                EntropyTables tables = pack.entropyTables();
                HyperPrior hyper = new HyperPrior(pack.hyperSynthesis(), tables.scaleIndexer());
                codecs.put(pack.codecId(), new LoadedCodec(pack, hyper, config, !options.analysisOnFirstUse()));
            }
            Map<String, Integer> channels = new LinkedHashMap<>();
            codecs.forEach((id, c) -> channels.put(id, c.pack.yChannels()));
            registry = options.adaptorStore().isPresent()
                    ? PackRegistry.open(channels, config, new AdaptorRepository(options.adaptorStore().get()),
                            options.adaptorPacks())
                    : PackRegistry.inMemory(channels, config, options.adaptorPacks());
        } catch (RuntimeException e) {
            codecs.values().forEach(LoadedCodec::close);
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
        ExecutorService executor = options.intraOpThreads() > 1 ? new ForkJoinPool(options.intraOpThreads()) : null;
        return new Codec(options.limits(), codecs, registry, executor, options.synthesisTiling(),
                options.analysisTiling());
    }

    /** Encodes with the first codec pack of the options at its default rate. */
    public EncodeResult encode(byte[] imageBytes) {
        return encode(imageBytes, defaultCodecId, OptionalInt.empty());
    }

    /** Encodes with the first codec pack of the options. */
    public EncodeResult encode(byte[] imageBytes, int rateIndex) {
        return encode(imageBytes, defaultCodecId, OptionalInt.of(rateIndex));
    }

    /** Encodes with codec {@code codecId} at rate {@code rateIndex}; see {@link #encode(byte[], String, OptionalInt)}. */
    public EncodeResult encode(byte[] imageBytes, String codecId, int rateIndex) {
        return encode(imageBytes, codecId, OptionalInt.of(rateIndex));
    }

    /**
     * Encodes a PNG or JPEG image.
     *
     * @param rateIndex index into the pack's rates; empty means the pack's default rate
     *     ({@link CodecPack#defaultRate()})
     * @throws LicException INVALID_IMAGE, TOO_LARGE, UNKNOWN_CODEC (codec id not loaded), INVALID_ARGUMENT
     *     (rate index not in the pack)
     */
    public EncodeResult encode(byte[] imageBytes, String codecId, OptionalInt rateIndex) {
        return encode(imageBytes, codecId, rateIndex, Cancellation.NONE);
    }

    /**
     * As {@link #encode(byte[], String, OptionalInt)}; large images are analysed in tiles
     * ({@link #analysisTiling()}); {@code cancellation} is checked between stages and tiles and terminates a
     * running analysis graph.
     *
     * @throws CancelledException when cancelled
     */
    public EncodeResult encode(byte[] imageBytes, String codecId, OptionalInt rateIndex, Cancellation cancellation) {
        if (imageBytes == null) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "image bytes are required");
        }
        LoadedCodec codec = codecs.get(codecId);
        if (codec == null) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "codec " + codecId + " is not loaded");
        }
        int rate = rateIndex.orElse(codec.pack.defaultRate());
        if (!codec.pack.hasRate(rate)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "rate index " + rate + " is not in codec "
                    + codecId + " (it has 0.." + (codec.pack.rates().size() - 1) + ")");
        }
        long t0 = System.nanoTime();
        PaddedImage image = ImageReader.read(imageBytes, limits);
        int width = image.width();
        int height = image.height();
        cancellation.check("analysis");
        long t1 = System.nanoTime();
        AnalysisSession.Latents latents = codec.analysis().run(image, rate, analysisTiling, cancellation);
        image = null; // the planes are the largest buffer of an encode: let them go before h_s
        int[] zHat = LatentQuantizer.roundZ(latents.z());
        cancellation.check("hyper-synthesis");
        long t2 = System.nanoTime();
        HyperPrior.Parameters params = codec.hyper.run(zHat, latents.zHeight(), latents.zWidth(), hyperExecutor);
        cancellation.check("entropy coding");
        long t3 = System.nanoTime();
        int[] q = LatentQuantizer.quantizeY(latents.y(), params.meanQ(), codec.pack.hyperSynthesis().fractionBits());
        EntropyTables tables = codec.pack.entropyTables();
        byte[] z = SectionCoder.encodeZ(zHat, latents.zChannels(), latents.zHeight(), latents.zWidth(), tables.z());
        byte[] y = SectionCoder.encodeY(q, params.scaleIndex(), tables.y());
        long t4 = System.nanoTime();
        byte[] bitstream = BitstreamFormat.write(rate, codecId, width, height, z, y);
        long t5 = System.nanoTime();
        double bpp = bitstream.length * 8.0 / ((double) width * height);
        return new EncodeResult(bitstream, width, height, bpp, codecId, rate,
                new EncodeTimings(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4));
    }

    /**
     * Decodes a bitstream with the active version of adaptor {@code adaptorName} for its codec.
     *
     * @throws LicException INVALID_BITSTREAM, UNSUPPORTED_VERSION, CORRUPT_BITSTREAM, UNKNOWN_CODEC,
     *     UNKNOWN_ADAPTOR, TOO_LARGE
     */
    public DecodeResult decode(byte[] bitstream, String adaptorName) {
        return decode(bitstream, adaptorName, 0, Cancellation.NONE);
    }

    /**
     * As {@link #decode(byte[], String, int, Cancellation)} without cancellation.
     */
    public DecodeResult decode(byte[] bitstream, String adaptorName, int adaptorVersion) {
        return decode(bitstream, adaptorName, adaptorVersion, Cancellation.NONE);
    }

    /** As {@link #decode(byte[], String, int, Cancellation)} with the active version. */
    public DecodeResult decode(byte[] bitstream, String adaptorName, Cancellation cancellation) {
        return decode(bitstream, adaptorName, 0, cancellation);
    }

    /**
     * Decodes a bitstream with version {@code adaptorVersion} (0: the active one) of adaptor
     * {@code adaptorName} for its codec. The decode holds a lease on that version from before entropy
     * decoding to the end, so a version activated or deleted meanwhile does not affect it. Large images are
     * synthesised in tiles ({@link #synthesisTiling()}); {@code cancellation} is checked between stages and
     * tiles and terminates a running graph.
     *
     * The result is typed by the adaptor's task: an image ({@link DecodeResult#image()}) or a
     * {@link DecodeResult#output()} (detections, a segmentation map).
     *
     * @throws LicException as {@link #decode(byte[], String)}; UNKNOWN_ADAPTOR also when the version is not
     *     READY
     * @throws CancelledException when cancelled
     */
    public DecodeResult decode(byte[] bitstream, String adaptorName, int adaptorVersion, Cancellation cancellation) {
        return decode(bitstream, adaptorName, adaptorVersion, TaskOptions.NONE, cancellation);
    }

    /**
     * As {@link #decode(byte[], String, int, Cancellation)} with the request's post-processing settings
     * ({@link TaskOptions}: detection's score threshold and NMS IoU) in place of the pack's.
     *
     * @throws LicException INVALID_ARGUMENT, before any decoding, when {@code options} has settings that the
     *     adaptor's task does not read
     */
    public DecodeResult decode(byte[] bitstream, String adaptorName, int adaptorVersion, TaskOptions options,
                               Cancellation cancellation) {
        long t0 = System.nanoTime();
        Parsed parsed = parse(bitstream);
        try (AdaptorLease lease = registry.lease(parsed.header.codecId(), adaptorName, adaptorVersion)) {
            TaskAdaptor adaptor = lease.adaptor();
            options.checkApplies(adaptor.task(), lease.name());
            long t1 = System.nanoTime();
            Stages stages = new Stages();
            Latents latents = latents(parsed, stages, cancellation);
            cancellation.check("synthesis");
            long t2 = System.nanoTime();
            float[] yDec = adaptorInput(parsed.codec.pack, latents);
            int m = latents.yChannels();
            int h = latents.yHeight();
            int w = latents.yWidth();
            latents = null; // q, mean and scale indexes are no longer needed while the graph runs
            int width = parsed.header.width();
            int height = parsed.header.height();
            if (adaptor instanceof ImageAdaptor images) {
                // Clamping, rounding and cropping happen inside (per tile for a large image): timed as synthesis.
                RgbImage image = images.image(yDec, m, h, w, width, height, tiling, cancellation);
                long t3 = System.nanoTime();
                return new DecodeResult(image, lease.name(), lease.version(), parsed.header.codecId(),
                        new DecodeTimings(t1 - t0, stages.z, stages.hyper, stages.y, t3 - t2, 0));
            }
            AdaptorOutput out = adaptor.run(yDec, m, h, w, width, height, options);
            long t3 = System.nanoTime();
            return new DecodeResult(out, width, height, lease.name(), lease.version(), parsed.header.codecId(),
                    new DecodeTimings(t1 - t0, stages.z, stages.hyper, stages.y, t3 - t2, 0));
        }
    }

    /** Decodes a bitstream's integer latents only (no adaptor, no float graph). */
    public Latents decodeLatents(byte[] bitstream) {
        return latents(parse(bitstream), new Stages(), Cancellation.NONE);
    }

    /**
     * What an adaptor graph gets for these latents (docs/bitstream.md steps 4 and 5): {@code y_hat}, times
     * {@code inv_gain[rate]} per channel for a variable-rate pack; {@code [M][h][w]}, channel-major.
     *
     * @throws LicException UNKNOWN_CODEC when the latents' codec or rate is not loaded
     */
    public float[] adaptorInput(Latents latents) {
        BitstreamHeader header = latents.header();
        CodecPack pack = codec(header.codecId()).pack;
        if (!pack.hasRate(header.rateIndex())) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "rate index " + header.rateIndex() + " is not in codec "
                    + header.codecId());
        }
        return adaptorInput(pack, latents);
    }

    private static float[] adaptorInput(CodecPack pack, Latents latents) {
        float[] y = LatentQuantizer.reconstructY(latents.q(), latents.meanQ(), latents.fractionBits());
        pack.gains().ifPresent(g -> InverseGain.apply(y, g.inverseGain(latents.header().rateIndex())));
        return y;
    }

    /** Validates the container (CRC included, no entropy decoding) and returns its header. */
    public BitstreamHeader inspect(byte[] bitstream) {
        checkLength(bitstream);
        return BitstreamFormat.peekHeader(bitstream);
    }

    /** How large images' synthesis is tiled (docs/memory.md). */
    public SynthesisTiling synthesisTiling() {
        return tiling;
    }

    /** How large images' analysis (encode) is tiled (docs/memory.md). */
    public AnalysisTiling analysisTiling() {
        return analysisTiling;
    }

    /** Ids of the loaded codec packs, the default first. */
    public Set<String> codecIds() {
        return codecs.keySet();
    }

    /** The codec pack {@link #encode(byte[])} and {@link #encode(byte[], int)} use. */
    public String defaultCodecId() {
        return defaultCodecId;
    }

    /**
     * The id of the loaded codec that a request names: empty or null = the default codec; otherwise a loaded
     * codec id (64 lowercase hex) or the name of a loaded codec pack (its manifest's {@code name}, e.g.
     * {@code hyperprior-s}).
     *
     * @throws LicException UNKNOWN_CODEC when nothing loaded has that id or name (the message lists what is
     *     loaded); INVALID_ARGUMENT when two loaded packs share the name
     */
    public String codecIdOf(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            return defaultCodecId;
        }
        if (codecs.containsKey(nameOrId)) {
            return nameOrId;
        }
        List<String> named = codecs.entrySet().stream()
                .filter(e -> nameOrId.equals(e.getValue().pack.name())).map(Map.Entry::getKey).toList();
        if (named.size() > 1) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "codec name " + nameOrId
                    + " is shared by " + named.size() + " loaded packs: name one by its codec id");
        }
        if (named.isEmpty()) {
            String loaded = codecs.entrySet().stream()
                    .map(e -> e.getValue().pack.name() + " (" + e.getKey().substring(0, 12) + "…)")
                    .collect(Collectors.joining(", "));
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "codec " + nameOrId + " is not loaded (loaded: "
                    + loaded + ")");
        }
        return named.get(0);
    }

    /** The loaded codec pack of {@code codecId}. @throws LicException UNKNOWN_CODEC */
    public CodecPack codecPack(String codecId) {
        return codec(codecId).pack;
    }

    /**
     * Whether codec {@code codecId}'s analysis (encoder) session exists: always after {@link #open}, unless
     * {@link CodecOptions#analysisOnFirstUse()}, then after the first encode with it.
     *
     * @throws LicException UNKNOWN_CODEC
     */
    public boolean analysisLoaded(String codecId) {
        return codec(codecId).analysisLoaded();
    }

    /** The READY adaptor versions, per codec newest version first (a snapshot of {@link #registry()}). */
    public List<AdaptorInfo> adaptors() {
        List<AdaptorInfo> infos = new ArrayList<>();
        for (PackRegistry.AdaptorStatus a : registry.list()) {
            List<PackRegistry.VersionStatus> versions = new ArrayList<>(a.versions());
            versions.sort(Comparator.comparingInt(PackRegistry.VersionStatus::version).reversed());
            for (PackRegistry.VersionStatus v : versions) {
                if (v.state() == PackRegistry.State.READY) {
                    infos.add(new AdaptorInfo(a.name(), v.version(), a.codecId(), v.task(), v.source()));
                }
            }
        }
        return List.copyOf(infos);
    }

    /** The adaptor registry: versions, states, activation (docs/adaptor-registry.md). */
    public PackRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        codecs.values().forEach(LoadedCodec::close);
        registry.close();
        if (hyperExecutor != null) {
            hyperExecutor.shutdown();
        }
    }

    private record Parsed(BitstreamFormat.Parsed container, BitstreamHeader header, LoadedCodec codec) {
    }

    /** Time spent in the entropy-decoding stages, filled in by {@link #latents}. */
    private static final class Stages {
        long z;
        long hyper;
        long y;
    }

    private void checkLength(byte[] bitstream) {
        if (bitstream != null && bitstream.length > limits.maxBitstreamBytes()) {
            throw new LicException(ErrorKind.TOO_LARGE, "bitstream of " + bitstream.length
                    + " bytes is over the limit of " + limits.maxBitstreamBytes());
        }
    }

    /** Container checks, then codec, rate and size: all before any allocation that scales with the image. */
    private Parsed parse(byte[] bitstream) {
        checkLength(bitstream);
        BitstreamFormat.Parsed container = BitstreamFormat.parse(bitstream);
        BitstreamHeader header = container.header();
        LoadedCodec codec = codec(header.codecId());
        if (!codec.pack.hasRate(header.rateIndex())) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "rate index " + header.rateIndex() + " is not in codec "
                    + header.codecId());
        }
        if (!limits.allows(header.width(), header.height())) {
            throw new LicException(ErrorKind.TOO_LARGE, "bitstream image of " + header.width() + "x" + header.height()
                    + " is over the limits (" + limits.maxPixels() + " pixels, " + limits.maxDimension()
                    + " per side)");
        }
        return new Parsed(container, header, codec);
    }

    private LoadedCodec codec(String codecId) {
        LoadedCodec codec = codecs.get(codecId);
        if (codec == null) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "no codec pack with id " + codecId + " is loaded");
        }
        return codec;
    }

    private Latents latents(Parsed parsed, Stages stages, Cancellation cancellation) {
        BitstreamHeader header = parsed.header;
        CodecPack pack = parsed.codec.pack;
        EntropyTables tables = pack.entropyTables();
        int n = pack.zChannels();
        int zh = header.paddedHeight() / LatentGrid.Z_STRIDE;
        int zw = header.paddedWidth() / LatentGrid.Z_STRIDE;
        BitstreamFormat.Parsed c = parsed.container;
        long t0 = System.nanoTime();
        int[] zHat = SectionCoder.decodeZ(c.bytes(), c.zOffset(), c.zLength(), n, zh, zw, tables.z());
        long t1 = System.nanoTime();
        cancellation.check("hyper-synthesis");
        HyperPrior.Parameters params = parsed.codec.hyper.run(zHat, zh, zw, hyperExecutor);
        cancellation.check("entropy decoding of y");
        long t2 = System.nanoTime();
        int[] q = SectionCoder.decodeY(c.bytes(), c.yOffset(), c.yLength(), params.scaleIndex(), tables.y());
        long t3 = System.nanoTime();
        stages.z = t1 - t0;
        stages.hyper = t2 - t1;
        stages.y = t3 - t2;
        return new Latents(header, pack.hyperSynthesis().fractionBits(), n, zh, zw, zHat, params.channels(),
                params.height(), params.width(), params.scaleIndex(), params.meanQ(), q);
    }
}
