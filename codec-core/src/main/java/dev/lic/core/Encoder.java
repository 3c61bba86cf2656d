package dev.lic.core;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.bitstream.BitstreamFormat;
import dev.lic.core.entropy.EntropyTables;
import dev.lic.core.image.ImageReader;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.onnx.AnalysisSession;
import dev.lic.core.onnx.AnalysisTiling;
import dev.lic.core.pipeline.HyperPrior;
import dev.lic.core.pipeline.LatentQuantizer;
import dev.lic.core.pipeline.SectionCoder;

import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;

/**
 * The encode pipeline: read image (limits) → analysis graph (fed the rate's gain for a variable-rate pack;
 * tiled for a large image) → round z → integer h_s → scale indexes → quantise y → rANS z and y → container.
 * Everything that decides entropy coding is integer arithmetic. Holds no resources of its own; safe for
 * concurrent use.
 */
final class Encoder {
    private final LoadedCodecs codecs;
    private final Limits limits;
    private final AnalysisTiling analysisTiling;
    private final ExecutorService hyperExecutor;

    /** {@code hyperExecutor} runs h_s in parallel; null runs it on the calling thread. */
    Encoder(LoadedCodecs codecs, Limits limits, AnalysisTiling analysisTiling, ExecutorService hyperExecutor) {
        this.codecs = codecs;
        this.limits = limits;
        this.analysisTiling = analysisTiling;
        this.hyperExecutor = hyperExecutor;
    }

    AnalysisTiling analysisTiling() {
        return analysisTiling;
    }

    /** See {@link Codec#encode(byte[], String, OptionalInt, Cancellation)}. */
    EncodeResult encode(byte[] imageBytes, String codecId, OptionalInt rateIndex, Cancellation cancellation) {
        if (imageBytes == null) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "image bytes are required");
        }
        LoadedCodec codec = codecs.find(codecId);
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
}
