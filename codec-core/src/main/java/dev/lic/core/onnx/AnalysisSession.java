package dev.lic.core.onnx;

import dev.lic.core.image.PaddedImage;
import dev.lic.core.pack.CodecPack;

import java.util.Set;

/**
 * The encoder graph of a codec pack ({@code encoder.onnx}: g_a + h_a): padded image {@code [1,3,H,W]} to
 * float latents {@code y [1,M,H/16,W/16]} and {@code z [1,N,H/64,W/64]}. Thread-safe; create once per pack.
 */
public final class AnalysisSession implements AutoCloseable {
    private final OnnxSession session;
    private final String yName;
    private final String zName;
    private final int m;
    private final int n;

    /** Float latents, channel-major, with their sizes. */
    public record Latents(float[] y, int yChannels, int yHeight, int yWidth, float[] z, int zChannels, int zHeight,
                          int zWidth) {
    }

    public AnalysisSession(CodecPack pack, SessionConfig config) {
        this.yName = pack.encoderY();
        this.zName = pack.encoderZ();
        this.m = pack.yChannels();
        this.n = pack.zChannels();
        this.session = new OnnxSession(pack.encoderOnnx(), pack.encoderInput(), Set.of(yName, zName), config,
                "pack " + pack.source().describe() + ": " + CodecPack.ENCODER_FILE);
    }

    public Latents run(PaddedImage image) {
        int hp = image.paddedHeight();
        int wp = image.paddedWidth();
        OnnxSession.Output[] out = session.run(image.planes(), new long[] {1, 3, hp, wp}, yName, zName);
        session.expectShape(yName, out[0].shape(), 1, m, hp / 16, wp / 16);
        session.expectShape(zName, out[1].shape(), 1, n, hp / 64, wp / 64);
        return new Latents(out[0].values(), m, hp / 16, wp / 16, out[1].values(), n, hp / 64, wp / 64);
    }

    public boolean usesCuda() {
        return session.usesCuda();
    }

    @Override
    public void close() {
        session.close();
    }
}
