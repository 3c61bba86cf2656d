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
import dev.lic.core.image.RgbImage;
import dev.lic.core.onnx.SynthesisTiling;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pipeline.HyperPrior;
import dev.lic.core.pipeline.InverseGain;
import dev.lic.core.pipeline.LatentQuantizer;
import dev.lic.core.pipeline.SectionCoder;
import dev.lic.core.registry.AdaptorLease;
import dev.lic.core.registry.PackRegistry;

import java.util.concurrent.ExecutorService;

/**
 * The decode pipeline: container → rANS z → integer h_s → rANS y → y_hat (times the rate's inverse gain for
 * a variable-rate pack) → adaptor graph from a {@link PackRegistry} lease (tiled for a large image) → 8-bit
 * RGB or the task's output. Everything that decides entropy decoding is integer arithmetic; the float
 * graphs only shape pixels. Every size check happens before any allocation that scales with the image.
 * Holds no resources of its own; safe for concurrent use.
 */
final class Decoder {
    private final LoadedCodecs codecs;
    private final Limits limits;
    private final PackRegistry registry;
    private final SynthesisTiling tiling;
    private final ExecutorService hyperExecutor;

    /** {@code hyperExecutor} runs h_s in parallel; null runs it on the calling thread. */
    Decoder(LoadedCodecs codecs, Limits limits, PackRegistry registry, SynthesisTiling tiling,
            ExecutorService hyperExecutor) {
        this.codecs = codecs;
        this.limits = limits;
        this.registry = registry;
        this.tiling = tiling;
        this.hyperExecutor = hyperExecutor;
    }

    SynthesisTiling synthesisTiling() {
        return tiling;
    }

    /**
     * See {@link Codec#decode(byte[], String, int, TaskOptions, Cancellation)}. The lease on the adaptor
     * version is taken before entropy decoding and held to the end.
     */
    DecodeResult decode(byte[] bitstream, String adaptorName, int adaptorVersion, TaskOptions options,
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

    /** See {@link Codec#decodeLatents(byte[])}. */
    Latents decodeLatents(byte[] bitstream) {
        return latents(parse(bitstream), new Stages(), Cancellation.NONE);
    }

    /** See {@link Codec#adaptorInput(Latents)}. */
    float[] adaptorInput(Latents latents) {
        BitstreamHeader header = latents.header();
        CodecPack pack = codecs.get(header.codecId()).pack;
        if (!pack.hasRate(header.rateIndex())) {
            throw new LicException(ErrorKind.UNKNOWN_CODEC, "rate index " + header.rateIndex() + " is not in codec "
                    + header.codecId());
        }
        return adaptorInput(pack, latents);
    }

    /** See {@link Codec#inspect(byte[])}. */
    BitstreamHeader inspect(byte[] bitstream) {
        checkLength(bitstream);
        return BitstreamFormat.peekHeader(bitstream);
    }

    /** docs/bitstream.md steps 4 and 5: y_hat from the integer latents, times the rate's inverse gain. */
    private static float[] adaptorInput(CodecPack pack, Latents latents) {
        float[] y = LatentQuantizer.reconstructY(latents.q(), latents.meanQ(), latents.fractionBits());
        pack.gains().ifPresent(g -> InverseGain.apply(y, g.inverseGain(latents.header().rateIndex())));
        return y;
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
        LoadedCodec codec = codecs.get(header.codecId());
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
