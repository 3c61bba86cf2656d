package dev.lic.core.hyper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The integer hyper-synthesis {@code h_s} of a codec pack ({@code docs/codec-pack.md}): {@code z_hat ->
 * (scale_q, mean_q)}, evaluated exactly, identically on every platform and for any thread count.
 *
 * <p>Accumulation is in {@code int}, safe because the loader verified the accumulator bound; the
 * requantisation is in {@code long}. Each output channel of each layer is computed by one thread from
 * start to end, so an optional executor changes speed only, never results. Immutable and thread-safe.
 *
 * <p>Obtain instances with {@link HyperSynthesisFile#parse(byte[])}.
 */
public final class IntegerHyperSynthesis {
    /** Accumulator ints per output channel and band: small enough that a range's accumulators stay in cache. */
    private static final int BAND_INTS = 2048;
    private final int inputChannels;
    private final long inputClamp;
    private final int fractionBits;
    private final List<HyperLayer> layers;

    IntegerHyperSynthesis(int inputChannels, long inputClamp, int fractionBits, List<HyperLayer> layers) {
        this.inputChannels = inputChannels;
        this.inputClamp = inputClamp;
        this.fractionBits = fractionBits;
        this.layers = layers;
    }

    /** {@code N}, the number of z channels. */
    public int inputChannels() {
        return inputChannels;
    }

    /** {@code M}, the number of y channels (half the last layer's outputs). */
    public int outputChannels() {
        return layers.get(layers.size() - 1).outChannels / 2;
    }

    /** {@code F}: outputs are in units of {@code 2^-F}. */
    public int fractionBits() {
        return fractionBits;
    }

    List<HyperLayer> layers() {
        return layers;
    }

    long inputClamp() {
        return inputClamp;
    }

    /** Multiply-accumulates of one run on a {@code zh x zw} input, for reporting. */
    public long macs(int zh, int zw) {
        long total = 0;
        long h = zh;
        long w = zw;
        for (HyperLayer layer : layers) {
            long taps = (long) layer.inChannels * layer.outChannels * layer.kernel * layer.kernel;
            long ho = layer.outputSize(h);
            long wo = layer.outputSize(w);
            total += layer.transposed ? taps * h * w : taps * ho * wo;
            h = ho;
            w = wo;
        }
        return total;
    }

    /** Runs on the calling thread. */
    public HyperOutput run(int[] zHat, int zh, int zw) {
        return run(zHat, zh, zw, null);
    }

    /**
     * Runs the network on {@code zHat[N][zh][zw]} (channel-major).
     *
     * @param executor splits each layer's output channels over its threads; {@code null} runs here
     * @return {@code scale_q} and {@code mean_q}, each {@code [M][4 zh][4 zw]}
     * @throws IllegalArgumentException if {@code zHat} does not hold {@code N * zh * zw} values
     */
    public HyperOutput run(int[] zHat, int zh, int zw, ExecutorService executor) {
        if (zh < 1 || zw < 1 || (long) inputChannels * zh * zw != zHat.length) {
            throw new IllegalArgumentException("z of " + zHat.length + " values is not " + inputChannels + "x" + zh
                    + "x" + zw);
        }
        List<LayerPlan> plans = new ArrayList<>(layers.size());
        int h = zh;
        int w = zw;
        for (HyperLayer layer : layers) {
            LayerPlan plan = new LayerPlan(layer, h, w);
            plans.add(plan);
            h = plan.outHeight;
            w = plan.outWidth;
        }
        int[] source = new int[plans.get(0).sourceSize()];
        LayerPlan first = plans.get(0);
        for (int c = 0, i = 0; c < inputChannels; c++) {
            for (int y = 0; y < zh; y++) {
                for (int x = 0; x < zw; x++, i++) {
                    long v = Math.max(-inputClamp, Math.min(inputClamp, zHat[i]));
                    source[first.sourceIndex(c, y, x)] = (int) v;
                }
            }
        }
        int m = outputChannels();
        int[] scale = new int[Math.multiplyExact(m, h * w)];
        int[] mean = new int[scale.length];
        for (int l = 0; l < plans.size(); l++) {
            LayerPlan plan = plans.get(l);
            LayerPlan next = l + 1 < plans.size() ? plans.get(l + 1) : null;
            int[] target = next != null ? new int[next.sourceSize()] : null;
            Sink sink = next != null ? new NextLayerSink(next, target) : new FinalSink(m, h, w, scale, mean);
            runLayer(plan, source, sink, executor);
            source = target;
        }
        return new HyperOutput(m, h, w, fractionBits, scale, mean);
    }

    private static void runLayer(LayerPlan plan, int[] source, Sink sink, ExecutorService executor) {
        int co = plan.layer.outChannels;
        if (executor == null) {
            computeChannels(plan, source, 0, co, sink);
            return;
        }
        int chunk = Math.max(8, (co + 3) / 4);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int from = 0; from < co; from += chunk) {
            int start = from;
            int end = Math.min(co, from + chunk);
            tasks.add(() -> {
                computeChannels(plan, source, start, end, sink);
                return null;
            });
        }
        try {
            for (Future<Void> f : executor.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during hyper-synthesis", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hyper-synthesis task failed", e.getCause());
        }
    }

    /**
     * Computes output channels {@code [o0, o1)}: output phase by phase and band of rows by band of rows, each
     * tap's shifted source rows are copied to offset-0 scratch arrays once and then multiplied into the
     * accumulators of every output channel of the range. (Copying makes the inner loops index every array
     * with the same {@code q}, the shape the JIT vectorises; the copy is shared by all output channels.)
     */
    private static void computeChannels(LayerPlan plan, int[] src, int o0, int o1, Sink sink) {
        HyperLayer layer = plan.layer;
        int ci = layer.inChannels;
        int kk = layer.kernel * layer.kernel;
        int[] weights = layer.weights;
        int chan = plan.channelSize;
        int rowStride = plan.rowStride;
        int s = plan.outStride;
        int bandRows = Math.max(1, BAND_INTS / rowStride);
        int bandSize = Math.min(bandRows, plan.phaseRows[0]) * rowStride;
        int[][] acc = new int[o1 - o0][bandSize];
        int[][] scratch = new int[8][bandSize];
        int[] t0 = scratch[0];
        int[] t1 = scratch[1];
        int[] t2 = scratch[2];
        int[] t3 = scratch[3];
        for (int ry = 0; ry < s; ry++) {
            for (int rx = 0; rx < s; rx++) {
                int rows = plan.phaseRows[ry];
                int cols = plan.phaseCols[rx];
                int[] taps = plan.phaseTaps[ry * s + rx];
                for (int j0 = 0; j0 < rows && cols > 0; j0 += bandRows) {
                    int bandEnd = Math.min(rows, j0 + bandRows);
                    int n = (bandEnd - j0) * rowStride;
                    for (int o = o0; o < o1; o++) {
                        java.util.Arrays.fill(acc[o - o0], 0, n, layer.bias[o]);
                    }
                    for (int t : taps) {
                        int off = plan.tapSourceOffset[t] + j0 * rowStride;
                        int i = 0;
                        for (; i + 8 <= ci; i += 8) {
                            int b = i * chan + off;
                            for (int r = 0; r < 8; r++) {
                                System.arraycopy(src, b + r * chan, scratch[r], 0, n);
                            }
                            for (int o = o0; o < o1; o++) {
                                int w = (o * ci + i) * kk + t;
                                mac8(acc[o - o0], n, scratch, weights, w, kk);
                            }
                        }
                        for (; i + 4 <= ci; i += 4) {
                            int b = i * chan + off;
                            System.arraycopy(src, b, t0, 0, n);
                            System.arraycopy(src, b + chan, t1, 0, n);
                            System.arraycopy(src, b + 2 * chan, t2, 0, n);
                            System.arraycopy(src, b + 3 * chan, t3, 0, n);
                            for (int o = o0; o < o1; o++) {
                                int w = (o * ci + i) * kk + t;
                                mac4(acc[o - o0], n, t0, t1, t2, t3,
                                        weights[w], weights[w + kk], weights[w + 2 * kk], weights[w + 3 * kk]);
                            }
                        }
                        for (; i < ci; i++) {
                            System.arraycopy(src, i * chan + off, t0, 0, n);
                            for (int o = o0; o < o1; o++) {
                                mac1(acc[o - o0], n, t0, weights[(o * ci + i) * kk + t]);
                            }
                        }
                    }
                    for (int o = o0; o < o1; o++) {
                        requantise(layer, o, acc[o - o0], j0, bandEnd, rowStride, cols, s, ry, rx, sink);
                    }
                }
            }
        }
    }

    private static void requantise(HyperLayer layer, int o, int[] acc, int j0, int j1, int rowStride, int cols,
                                   int s, int ry, int rx, Sink sink) {
        long multiplier = layer.multiplier[o];
        int shift = layer.shift[o];
        long round = 1L << (shift - 1);
        int outMin = layer.outMin;
        int outMax = layer.outMax;
        int[] row = new int[cols];
        for (int jy = j0; jy < j1; jy++) {
            int at = (jy - j0) * rowStride;
            for (int jx = 0; jx < cols; jx++) {
                long v = (acc[at + jx] * multiplier + round) >> shift;
                row[jx] = (int) Math.max(outMin, Math.min(outMax, v));
            }
            sink.putRow(o, jy * s + ry, rx, s, row, cols);
        }
    }

    /** Eight input channels per pass: the accumulators are loaded and stored once per 8 taps, not per 4. */
    private static void mac8(int[] acc, int n, int[][] rows, int[] weights, int w, int kk) {
        int[] s0 = rows[0], s1 = rows[1], s2 = rows[2], s3 = rows[3];
        int[] s4 = rows[4], s5 = rows[5], s6 = rows[6], s7 = rows[7];
        int w0 = weights[w], w1 = weights[w + kk], w2 = weights[w + 2 * kk], w3 = weights[w + 3 * kk];
        int w4 = weights[w + 4 * kk], w5 = weights[w + 5 * kk], w6 = weights[w + 6 * kk], w7 = weights[w + 7 * kk];
        for (int q = 0; q < n; q++) {
            acc[q] += w0 * s0[q] + w1 * s1[q] + w2 * s2[q] + w3 * s3[q]
                    + w4 * s4[q] + w5 * s5[q] + w6 * s6[q] + w7 * s7[q];
        }
    }

    private static void mac4(int[] acc, int n, int[] s0, int[] s1, int[] s2, int[] s3, int w0, int w1, int w2,
                             int w3) {
        for (int q = 0; q < n; q++) {
            acc[q] += w0 * s0[q] + w1 * s1[q] + w2 * s2[q] + w3 * s3[q];
        }
    }

    private static void mac1(int[] acc, int n, int[] s0, int w0) {
        for (int q = 0; q < n; q++) {
            acc[q] += w0 * s0[q];
        }
    }

    /** Where requantised outputs go: the next layer's padded source planes, or the final arrays. */
    private interface Sink {
        /** Output row {@code y} of {@code channel}: {@code values[j]} goes to column {@code x0 + j * step}. */
        void putRow(int channel, int y, int x0, int step, int[] values, int count);
    }

    private record NextLayerSink(LayerPlan next, int[] target) implements Sink {
        @Override
        public void putRow(int channel, int y, int x0, int step, int[] values, int count) {
            if (next.srcStride == 1) { // the source planes are the input itself: one row is contiguous
                int base = next.sourceIndex(channel, y, x0);
                for (int j = 0; j < count; j++) {
                    target[base + j * step] = values[j];
                }
            } else {
                for (int j = 0; j < count; j++) {
                    target[next.sourceIndex(channel, y, x0 + j * step)] = values[j];
                }
            }
        }
    }

    private record FinalSink(int m, int h, int w, int[] scale, int[] mean) implements Sink {
        @Override
        public void putRow(int channel, int y, int x0, int step, int[] values, int count) {
            int[] out = channel < m ? scale : mean;
            int base = ((channel < m ? channel : channel - m) * h + y) * w + x0;
            for (int j = 0; j < count; j++) {
                out[base + j * step] = values[j];
            }
        }
    }
}
