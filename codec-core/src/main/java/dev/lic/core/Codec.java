package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.adaptor.TaskOptions;
import dev.lic.core.bitstream.BitstreamHeader;
import dev.lic.core.onnx.AnalysisTiling;
import dev.lic.core.onnx.SessionConfig;
import dev.lic.core.onnx.SynthesisTiling;
import dev.lic.core.pack.AdaptorPack;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.registry.AdaptorRepository;
import dev.lic.core.registry.PackRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * <p>A facade: the loaded codec packs ({@code LoadedCodecs}), the encode pipeline ({@code Encoder}), the
 * decode pipeline ({@code Decoder}) and the adaptor {@link PackRegistry} each live in their own class;
 * the pipelines' stages are described there. Everything that decides entropy decoding is integer
 * arithmetic; the float graphs only shape pixels.
 */
public final class Codec implements AutoCloseable {
    private final LoadedCodecs codecs;
    private final PackRegistry registry;
    private final ExecutorService hyperExecutor;
    private final Encoder encoder;
    private final Decoder decoder;

    private Codec(LoadedCodecs codecs, PackRegistry registry, ExecutorService hyperExecutor, Encoder encoder,
                  Decoder decoder) {
        this.codecs = codecs;
        this.registry = registry;
        this.hyperExecutor = hyperExecutor;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /**
     * Loads and verifies the packs of {@code options}; INVALID_PACK if a codec pack fails, or, without an
     * adaptor repository, if an adaptor pack fails. With a repository, adaptor versions that fail are
     * listed FAILED by {@link #registry()} instead.
     */
    public static Codec open(CodecOptions options) {
        SessionConfig config = new SessionConfig(options.intraOpThreads(), options.useCuda());
        LoadedCodecs codecs = LoadedCodecs.load(options.codecPacks(), config, options.analysisOnFirstUse());
        PackRegistry registry;
        try {
            registry = options.adaptorStore().isPresent()
                    ? PackRegistry.open(codecs.yChannels(), config,
                            new AdaptorRepository(options.adaptorStore().get()), options.adaptorPacks())
                    : PackRegistry.inMemory(codecs.yChannels(), config, options.adaptorPacks());
        } catch (RuntimeException e) {
            codecs.close();
            throw e;
        }
        ExecutorService executor = options.intraOpThreads() > 1 ? new ForkJoinPool(options.intraOpThreads()) : null;
        Encoder encoder = new Encoder(codecs, options.limits(), options.analysisTiling(), executor);
        Decoder decoder = new Decoder(codecs, options.limits(), registry, options.synthesisTiling(), executor);
        return new Codec(codecs, registry, executor, encoder, decoder);
    }

    /** Encodes with the first codec pack of the options at its default rate. */
    public EncodeResult encode(byte[] imageBytes) {
        return encode(imageBytes, codecs.defaultCodecId(), OptionalInt.empty());
    }

    /** Encodes with the first codec pack of the options. */
    public EncodeResult encode(byte[] imageBytes, int rateIndex) {
        return encode(imageBytes, codecs.defaultCodecId(), OptionalInt.of(rateIndex));
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
        return encoder.encode(imageBytes, codecId, rateIndex, cancellation);
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
        return decoder.decode(bitstream, adaptorName, adaptorVersion, options, cancellation);
    }

    /** Decodes a bitstream's integer latents only (no adaptor, no float graph). */
    public Latents decodeLatents(byte[] bitstream) {
        return decoder.decodeLatents(bitstream);
    }

    /**
     * What an adaptor graph gets for these latents (docs/bitstream.md steps 4 and 5): {@code y_hat}, times
     * {@code inv_gain[rate]} per channel for a variable-rate pack; {@code [M][h][w]}, channel-major.
     *
     * @throws LicException UNKNOWN_CODEC when the latents' codec or rate is not loaded
     */
    public float[] adaptorInput(Latents latents) {
        return decoder.adaptorInput(latents);
    }

    /** Validates the container (CRC included, no entropy decoding) and returns its header. */
    public BitstreamHeader inspect(byte[] bitstream) {
        return decoder.inspect(bitstream);
    }

    /**
     * Estimated peak memory of decoding the bitstream of {@code header} with adaptor {@code adaptorName}
     * version {@code adaptorVersion} (0 = active), for admission ({@link MemoryModel}): an image adaptor's
     * synthesis runs in tiles, a task adaptor's graph on the whole latent.
     */
    public long decodeMemory(BitstreamHeader header, String adaptorName, int adaptorVersion) {
        boolean wholeImage = registry.task(header.codecId(), adaptorName, adaptorVersion)
                .filter(task -> !AdaptorPack.TASK_IMAGE.equals(task)).isPresent();
        return wholeImage ? MemoryModel.taskDecodeBytes(header.width(), header.height())
                : MemoryModel.decodeBytes(header.width(), header.height(), synthesisTiling());
    }

    /** How large images' synthesis is tiled (docs/memory.md). */
    public SynthesisTiling synthesisTiling() {
        return decoder.synthesisTiling();
    }

    /** How large images' analysis (encode) is tiled (docs/memory.md). */
    public AnalysisTiling analysisTiling() {
        return encoder.analysisTiling();
    }

    /** Ids of the loaded codec packs, the default first. */
    public Set<String> codecIds() {
        return codecs.ids();
    }

    /** The codec pack {@link #encode(byte[])} and {@link #encode(byte[], int)} use. */
    public String defaultCodecId() {
        return codecs.defaultCodecId();
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
        return codecs.idOf(nameOrId);
    }

    /** The loaded codec pack of {@code codecId}. @throws LicException UNKNOWN_CODEC */
    public CodecPack codecPack(String codecId) {
        return codecs.get(codecId).pack;
    }

    /**
     * Whether codec {@code codecId}'s analysis (encoder) session exists: always after {@link #open}, unless
     * {@link CodecOptions#analysisOnFirstUse()}, then after the first encode with it.
     *
     * @throws LicException UNKNOWN_CODEC
     */
    public boolean analysisLoaded(String codecId) {
        return codecs.get(codecId).analysisLoaded();
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

    /** Closes the codecs' analysis sessions, then the registry's adaptor sessions, then the h_s threads. */
    @Override
    public void close() {
        codecs.close();
        registry.close();
        if (hyperExecutor != null) {
            hyperExecutor.shutdown();
        }
    }
}
