package dev.lic.core.onnx;

import dev.lic.api.ErrorKind;
import dev.lic.api.LatentGrid;
import dev.lic.api.LicException;
import dev.lic.core.Cancellation;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.pack.CodecPack;
import dev.lic.core.pack.RateGains;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
        this.session = new OnnxSession(pack.encoderOnnx(), inputs, Set.of(yName, zName), config, what,
                false); // runs tile after tile: see OnnxSession's memoryPattern
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

    /** As {@link #run(PaddedImage, int)}, terminated early (CancelledException) when cancelled; never tiled. */
    public Latents run(PaddedImage image, int rateIndex, Cancellation cancellation) {
        return runGraph(image.planes(), image.paddedHeight(), image.paddedWidth(), rateIndex, cancellation);
    }

    /**
     * As {@link #run(PaddedImage, int, Cancellation)}, whole or in tiles by {@code tiling} (one tile at a
     * time, cancellation checked between tiles): a large image's graph scratch is that of one tile.
     */
    public Latents run(PaddedImage image, int rateIndex, AnalysisTiling tiling, Cancellation cancellation) {
        int hp = image.paddedHeight();
        int wp = image.paddedWidth();
        int zh = hp / LatentGrid.Z_STRIDE;
        int zw = wp / LatentGrid.Z_STRIDE;
        if (tiling.whole(zh, zw)) {
            return run(image, rateIndex, cancellation);
        }
        int k = LatentGrid.Z_STRIDE / LatentGrid.Y_STRIDE; // y positions per z position and side
        int yh = zh * k;
        int yw = zw * k;
        float[] y = new float[Math.multiplyExact(m, Math.multiplyExact(yh, yw))];
        float[] z = new float[n * zh * zw];
        float[] planes = image.planes();
        int th = tiling.window(zh) * LatentGrid.Z_STRIDE;
        int tw = tiling.window(zw) * LatentGrid.Z_STRIDE;
        // Every tile has this shape: one direct buffer serves them all (a heap array would be copied into a
        // new direct buffer per run, freed only when the collector runs).
        FloatBuffer tile = ByteBuffer.allocateDirect(Math.multiplyExact(3 * th, tw) * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        int[] rows = tiling.coreBounds(zh);
        int[] cols = tiling.coreBounds(zw);
        for (int ri = 0; ri + 1 < rows.length; ri++) {
            for (int ci = 0; ci + 1 < cols.length; ci++) {
                int r0 = rows[ri];
                int r1 = rows[ri + 1];
                int c0 = cols[ci];
                int c1 = cols[ci + 1];
                cancellation.check("analysis tile at z position (" + r0 + ", " + c0 + ")");
                int er0 = tiling.windowStart(r0, zh);
                int ec0 = tiling.windowStart(c0, zw);
                int py0 = er0 * LatentGrid.Z_STRIDE;
                int px0 = ec0 * LatentGrid.Z_STRIDE;
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < th; i++) {
                        tile.put((c * th + i) * tw, planes, (c * hp + py0 + i) * wp + px0, tw);
                    }
                }
                Latents part = runGraph(tile, th, tw, rateIndex, cancellation);
                copyCore(part.y(), m, part.yHeight(), part.yWidth(), (r0 - er0) * k, (c0 - ec0) * k,
                        y, yh, yw, r0 * k, c0 * k, (r1 - r0) * k, (c1 - c0) * k);
                copyCore(part.z(), n, part.zHeight(), part.zWidth(), r0 - er0, c0 - ec0,
                        z, zh, zw, r0, c0, r1 - r0, c1 - c0);
            }
        }
        return new Latents(y, m, yh, yw, z, n, zh, zw);
    }

    /** Copies {@code rows x cols} positions of every channel from a tile's output into the whole image's. */
    private static void copyCore(float[] src, int channels, int sh, int sw, int sr, int sc,
                                 float[] dst, int dh, int dw, int dr, int dc, int rows, int cols) {
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(src, (c * sh + sr + i) * sw + sc, dst, (c * dh + dr + i) * dw + dc, cols);
            }
        }
    }

    private Latents runGraph(float[] planes, int hp, int wp, int rateIndex, Cancellation cancellation) {
        return runGraph(FloatBuffer.wrap(planes), hp, wp, rateIndex, cancellation);
    }

    private Latents runGraph(FloatBuffer planes, int hp, int wp, int rateIndex, Cancellation cancellation) {
        List<OnnxSession.Input> inputs = new ArrayList<>();
        inputs.add(new OnnxSession.Input(planes, new long[] {1, 3, hp, wp}));
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
