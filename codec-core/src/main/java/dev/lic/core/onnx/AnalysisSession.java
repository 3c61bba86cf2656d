package dev.lic.core.onnx;

import dev.lic.api.ErrorKind;
import dev.lic.api.LatentGrid;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.RateGains;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The encoder graph of a codec pack ({@code encoder.onnx}: g_a + h_a): padded image {@code [1,3,H,W]} to
 * float latents {@code y [1,M,H/16,W/16]} and {@code z [1,N,H/64,W/64]}. For a version 2 pack the graph
 * has a second input, {@code gain[r]} of {@code gains.bin} as {@code [1,M,1,1]}, and its {@code y} is
 * already scaled by it. Thread-safe; create once per pack.
 */
public final class AnalysisSession implements AutoCloseable {
    private final OnnxSession session;
    private final RateGains gains;
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
        this.gains = pack.gains().orElse(null);
        List<String> inputs = new ArrayList<>(List.of(pack.encoderInput()));
        pack.encoderGain().ifPresent(inputs::add);
        String what = "pack " + pack.source().describe() + ": " + CodecPack.ENCODER_FILE;
        this.session = new OnnxSession(pack.encoderOnnx(), inputs, Set.of(yName, zName), config, what);
        try {
            pack.encoderGain().ifPresent(name -> checkGainShape(session.inputShape(name), name, what));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** A gain input declared with fixed sizes other than {@code [1,M,1,1]} would fail every run: refuse it now. */
    private void checkGainShape(long[] declared, String name, String what) {
        long[] expected = {1, m, 1, 1};
        boolean fits = declared.length == expected.length;
        for (int i = 0; fits && i < declared.length; i++) {
            fits = declared[i] < 0 || declared[i] == expected[i];
        }
        if (!fits) {
            throw new LicException(ErrorKind.INVALID_PACK, what + ": input " + name + " has shape "
                    + Arrays.toString(declared) + ", expected " + Arrays.toString(expected));
        }
    }

    /**
     * Runs the graph for rate {@code rateIndex} (fed as {@code gain[rateIndex]} to a version 2 graph; a
     * version 1 pack has only rate 0).
     */
    public Latents run(PaddedImage image, int rateIndex) {
        return run(image, rateIndex, Cancellation.NONE);
    }

    /** As {@link #run(PaddedImage, int)}, terminated early (CancelledException) when cancelled. */
    public Latents run(PaddedImage image, int rateIndex, Cancellation cancellation) {
        int hp = image.paddedHeight();
        int wp = image.paddedWidth();
        List<OnnxSession.Input> inputs = new ArrayList<>();
        inputs.add(new OnnxSession.Input(image.planes(), new long[] {1, 3, hp, wp}));
        if (gains != null) {
            inputs.add(new OnnxSession.Input(gains.gain(rateIndex), new long[] {1, m, 1, 1}));
        } else if (rateIndex != 0) {
            throw new IllegalArgumentException("a version 1 pack has only rate 0, not " + rateIndex);
        }
        OnnxSession.Output[] out = session.run(inputs, cancellation, yName, zName);
        session.expectShape(yName, out[0].shape(), 1, m, hp / LatentGrid.Y_STRIDE, wp / LatentGrid.Y_STRIDE);
        session.expectShape(zName, out[1].shape(), 1, n, hp / LatentGrid.Z_STRIDE, wp / LatentGrid.Z_STRIDE);
        return new Latents(out[0].values(), m, hp / LatentGrid.Y_STRIDE, wp / LatentGrid.Y_STRIDE, out[1].values(), n,
                hp / LatentGrid.Z_STRIDE, wp / LatentGrid.Z_STRIDE);
    }

    public boolean usesCuda() {
        return session.usesCuda();
    }

    @Override
    public void close() {
        session.close();
    }
}
