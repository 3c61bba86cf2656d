package dev.lic.core;

import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.entropy.EntropyTables;
import dev.lic.core.image.ImageReader;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.image.RgbImage;
import dev.lic.core.onnx.AnalysisSession;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.SynthesisSession;
import dev.lic.core.onnx.SynthesisTiling;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.PackSource;
import dev.lic.core.pipeline.HyperPrior;
import dev.lic.core.pipeline.InverseGain;
import dev.lic.core.pipeline.LatentQuantizer;
import dev.lic.core.pipeline.SectionCoder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;

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
    private final Map<String, List<LoadedAdaptor>> adaptorsByCodec;
    private final List<AdaptorInfo> adaptorInfos;
    private final ExecutorService hyperExecutor;
    private final SynthesisTiling tiling;

    private record LoadedCodec(CodecPack pack, AnalysisSession analysis, HyperPrior hyper) {
    }

    private record LoadedAdaptor(AdaptorPack pack, SynthesisSession synthesis) {
    }

    private Codec(Limits limits, Map<String, LoadedCodec> codecs, Map<String, List<LoadedAdaptor>> adaptors,
                  ExecutorService hyperExecutor, SynthesisTiling tiling) {
        this.tiling = tiling;
        this.limits = limits;
        this.codecs = codecs;
        this.defaultCodecId = codecs.keySet().iterator().next();
        this.adaptorsByCodec = adaptors;
        List<AdaptorInfo> infos = new ArrayList<>();
        adaptors.values().forEach(list -> list.forEach(a -> infos.add(new AdaptorInfo(a.pack.name(),
                a.pack.version(), a.pack.codecId(), a.pack.task(), a.pack.source().describe()))));
        this.adaptorInfos = List.copyOf(infos);
        this.hyperExecutor = hyperExecutor;
    }

    /** Loads and verifies the packs of {@code options}; INVALID_PACK if any fails. */
    public static Codec open(CodecOptions options) {
        SessionConfig config = new SessionConfig(options.intraOpThreads(), options.useCuda());
        Map<String, LoadedCodec> codecs = new LinkedHashMap<>();
        Map<String, List<LoadedAdaptor>> adaptors = new LinkedHashMap<>();
        try {
            for (PackSource source : options.codecPacks()) {
                CodecPack pack = CodecPack.load(source);
                if (codecs.containsKey(pack.codecId())) {
                    throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": codec "
                            + pack.codecId() + " is already loaded");
                }
                EntropyTables tables = pack.entropyTables();
                HyperPrior hyper = new HyperPrior(pack.hyperSynthesis(), tables.scaleIndexer());
                codecs.put(pack.codecId(), new LoadedCodec(pack, new AnalysisSession(pack, config), hyper));
            }
            for (PackSource source : options.adaptorPacks()) {
                AdaptorPack pack = AdaptorPack.load(source);
                if (!codecs.containsKey(pack.codecId())) {
                    throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": it reads codec "
                            + pack.codecId() + ", which is not loaded");
                }
                List<LoadedAdaptor> list = adaptors.computeIfAbsent(pack.codecId(), k -> new ArrayList<>());
                for (LoadedAdaptor other : list) {
                    if (other.pack.name().equals(pack.name()) && other.pack.version() == pack.version()) {
                        throw new LicException(ErrorKind.INVALID_PACK, "pack " + source.describe() + ": adaptor "
                                + pack.name() + " version " + pack.version() + " is already loaded for its codec");
                    }
                }
                list.add(new LoadedAdaptor(pack, new SynthesisSession(pack, config)));
                list.sort(Comparator.comparingInt((LoadedAdaptor a) -> a.pack.version()).reversed());
            }
        } catch (RuntimeException e) {
            codecs.values().forEach(c -> c.analysis.close());
            adaptors.values().forEach(list -> list.forEach(a -> a.synthesis.close()));
            throw e;
        }
        ExecutorService executor = options.intraOpThreads() > 1 ? new ForkJoinPool(options.intraOpThreads()) : null;
        return new Codec(options.limits(), codecs, adaptors, executor, options.synthesisTiling());
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
     * As {@link #encode(byte[], String, OptionalInt)}; {@code cancellation} is checked between stages and
     * terminates a running analysis graph.
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
        AnalysisSession.Latents latents = codec.analysis.run(image, rate, cancellation);
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
     * Decodes a bitstream with the newest loaded version of adaptor {@code adaptorName} for its codec.
     *
     * @throws LicException INVALID_BITSTREAM, UNSUPPORTED_VERSION, CORRUPT_BITSTREAM, UNKNOWN_CODEC,
     *     UNKNOWN_ADAPTOR, TOO_LARGE
     */
    public DecodeResult decode(byte[] bitstream, String adaptorName) {
        return decode(bitstream, adaptorName, Cancellation.NONE);
    }

    /**
     * As {@link #decode(byte[], String)}; {@code cancellation} is checked between stages and between
     * synthesis tiles, and terminates a running graph.
     *
     * @throws CancelledException when cancelled
     */
    public DecodeResult decode(byte[] bitstream, String adaptorName, Cancellation cancellation) {
        long t0 = System.nanoTime();
        Parsed parsed = parse(bitstream);
        LoadedAdaptor adaptor = adaptor(parsed.header.codecId(), adaptorName);
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
        RgbImage image;
        long t3;
        if (tiling.whole(h, w)) {
            float[] planes = adaptor.synthesis.run(yDec, m, h, w, cancellation);
            t3 = System.nanoTime();
            image = RgbImage.fromPlanes(planes, 16 * w, 16 * h, width, height);
        } else {
            // Large image: tile by tile; clamping, rounding and cropping happen per tile (timed as synthesis).
            image = adaptor.synthesis.synthesize(yDec, m, h, w, width, height, tiling, cancellation);
            t3 = System.nanoTime();
        }
        long t4 = System.nanoTime();
        return new DecodeResult(image, adaptor.pack.name(), adaptor.pack.version(), parsed.header.codecId(),
                new DecodeTimings(t1 - t0, stages.z, stages.hyper, stages.y, t3 - t2, t4 - t3));
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

    /** Ids of the loaded codec packs, the default first. */
    public Set<String> codecIds() {
        return codecs.keySet();
    }

    /** The codec pack {@link #encode(byte[])} and {@link #encode(byte[], int)} use. */
    public String defaultCodecId() {
        return defaultCodecId;
    }

    /** The loaded codec pack of {@code codecId}. @throws LicException UNKNOWN_CODEC */
    public CodecPack codecPack(String codecId) {
        return codec(codecId).pack;
    }

    /** The loaded adaptor packs, per codec newest version first. */
    public List<AdaptorInfo> adaptors() {
        return adaptorInfos;
    }

    @Override
    public void close() {
        codecs.values().forEach(c -> c.analysis.close());
        adaptorsByCodec.values().forEach(list -> list.forEach(a -> a.synthesis.close()));
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

    private LoadedAdaptor adaptor(String codecId, String name) {
        for (LoadedAdaptor a : adaptorsByCodec.getOrDefault(codecId, List.of())) {
            if (a.pack.name().equals(name)) {
                return a; // newest version first
            }
        }
        throw new LicException(ErrorKind.UNKNOWN_ADAPTOR, "no adaptor " + (name == null ? "(none)" : '"' + clip(name)
                + '"') + " is loaded for codec " + codecId);
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private Latents latents(Parsed parsed, Stages stages, Cancellation cancellation) {
        BitstreamHeader header = parsed.header;
        CodecPack pack = parsed.codec.pack;
        EntropyTables tables = pack.entropyTables();
        int n = pack.zChannels();
        int zh = header.paddedHeight() / 64;
        int zw = header.paddedWidth() / 64;
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
