package dev.lic.core.hyper;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code hyper_synthesis.bin} ({@code docs/codec-pack.md}) and checks every field, the shape chain
 * (output exactly 4x the input for every input size) and the accumulator bound that lets the network run
 * with 32-bit accumulators. Any failure is {@link ErrorKind#INVALID_PACK} naming the file.
 */
public final class HyperSynthesisFile {
    public static final String FILE_NAME = "hyper_synthesis.bin";
    private static final int VERSION = 1;
    private static final int MAX_LAYERS = 16;
    /** Largest {@code Ci * Co} of a layer, as the Python reader has it (the spec sets no limit). */
    private static final long MAX_CHANNEL_PRODUCT = 1L << 24;

    private HyperSynthesisFile() {
    }

    public static IntegerHyperSynthesis parse(byte[] data) {
        try {
            return read(data);
        } catch (java.nio.BufferUnderflowException e) {
            throw invalid("file ends early");
        }
    }

    private static IntegerHyperSynthesis read(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 24 || data[0] != 'L' || data[1] != 'I' || data[2] != 'C' || data[3] != 'H') {
            throw invalid("not a hyper-synthesis file (magic LICH)");
        }
        in.position(4);
        long version = u32(in);
        if (version != VERSION) {
            throw invalid("version " + version + " is not supported (expected " + VERSION + ")");
        }
        long n = u32(in);
        long zClamp = u32(in);
        long fractionBits = u32(in);
        long layerCount = u32(in);
        if (n < 1) {
            throw invalid("input channel count is 0");
        }
        if (fractionBits < 1 || fractionBits > 16) {
            throw invalid("output fraction bits " + fractionBits + " is outside 1..16");
        }
        if (layerCount < 1 || layerCount > MAX_LAYERS) {
            throw invalid("layer count " + layerCount + " is outside 1.." + MAX_LAYERS);
        }
        List<HyperLayer> layers = new ArrayList<>();
        long inChannels = n;
        long maxInput = zClamp;
        for (int l = 0; l < layerCount; l++) {
            HyperLayer layer = readLayer(in, l, inChannels);
            checkBound(layer, l, maxInput);
            layers.add(layer);
            inChannels = layer.outChannels;
            maxInput = layer.maxAbsOutput();
        }
        if (in.hasRemaining()) {
            throw invalid(in.remaining() + " unexpected bytes after the last layer");
        }
        HyperLayer last = layers.get(layers.size() - 1);
        if (last.outChannels % 2 != 0) {
            throw invalid("the last layer has " + last.outChannels + " output channels (needs 2M, an even number)");
        }
        for (long size = 1; size <= 8; size++) {
            long s = size;
            for (int l = 0; l < layers.size(); l++) {
                s = layers.get(l).outputSize(s);
                if (s < 1) {
                    throw invalid("layer " + l + " (" + layers.get(l).describe() + ") does not fit an input of size "
                            + size + " exactly");
                }
            }
            if (s != 4 * size) {
                throw invalid("the network maps size " + size + " to " + s + ", not 4x");
            }
        }
        return new IntegerHyperSynthesis((int) n, zClamp, (int) fractionBits,
                List.copyOf(layers));
    }

    private static HyperLayer readLayer(ByteBuffer in, int l, long expectedIn) {
        String at = "layer " + l + ": ";
        int kind = in.get() & 0xFF;
        int kernel = in.get() & 0xFF;
        int stride = in.get() & 0xFF;
        int padding = in.get() & 0xFF;
        int outputPadding = in.get() & 0xFF;
        if (in.get() != 0 || in.get() != 0 || in.get() != 0) {
            throw invalid(at + "reserved bytes are not 0");
        }
        long ci = u32(in);
        long co = u32(in);
        int outMin = in.getInt();
        int outMax = in.getInt();
        if (kind > 1) {
            throw invalid(at + "kind " + kind + " is neither 0 (conv) nor 1 (transposed conv)");
        }
        boolean transposed = kind == 1;
        if (kernel < 1 || kernel > 7 || kernel % 2 == 0) {
            throw invalid(at + "kernel " + kernel + " is not odd in 1..7");
        }
        if (stride != 1 && stride != 2) {
            throw invalid(at + "stride " + stride + " is neither 1 nor 2");
        }
        if (transposed ? outputPadding >= stride : outputPadding != 0) {
            throw invalid(at + "output padding " + outputPadding + (transposed ? " is not below the stride"
                    : " must be 0 for a convolution"));
        }
        if (ci != expectedIn) {
            throw invalid(at + ci + " input channels, but the previous layer gives " + expectedIn);
        }
        if (co < 1 || ci * co > MAX_CHANNEL_PRODUCT) {
            throw invalid(at + "channel counts " + ci + "x" + co + " are outside 1 <= Ci * Co <= 2^24");
        }
        if (outMin > outMax) {
            throw invalid(at + "output clamp [" + outMin + ", " + outMax + "] is empty");
        }
        long weightCount = ci * co * kernel * kernel;
        if (weightCount > in.remaining()) {
            throw invalid("file ends early (" + at + "weights)");
        }
        int[] weights = new int[(int) weightCount];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = in.get();
        }
        skipPadding(in);
        if (co * 9 > in.remaining()) {
            throw invalid("file ends early (" + at + "bias, multiplier, shift)");
        }
        int[] bias = new int[(int) co];
        int[] multiplier = new int[(int) co];
        int[] shift = new int[(int) co];
        for (int o = 0; o < co; o++) {
            bias[o] = in.getInt();
        }
        for (int o = 0; o < co; o++) {
            multiplier[o] = in.getInt();
            if (multiplier[o] < 1 || multiplier[o] > (1 << 30)) {
                throw invalid(at + "multiplier of channel " + o + " is outside 1..2^30");
            }
        }
        for (int o = 0; o < co; o++) {
            shift[o] = in.get() & 0xFF;
            if (shift[o] < 1 || shift[o] > 62) {
                throw invalid(at + "shift of channel " + o + " is outside 1..62");
            }
        }
        skipPadding(in);
        return new HyperLayer(transposed, kernel, stride, padding, outputPadding, (int) ci, (int) co, outMin, outMax,
                weights, bias, multiplier, shift);
    }

    /** Skips to a multiple of 4 from the start of the file; the spec does not require the bytes to be 0. */
    private static void skipPadding(ByteBuffer in) {
        in.position(Math.min(in.limit(), (in.position() + 3) & ~3));
        if (in.position() % 4 != 0) {
            throw new java.nio.BufferUnderflowException();
        }
    }

    /**
     * {@code |bias[o]| + sum |w| * maxInput < 2^31} for every output channel, the sum over the full kernel
     * (all {@code Ci * K * K} weights) for both kinds, as docs/codec-pack.md fixes it so that every loader
     * accepts the same files. Partial sums in any order stay within it, so int accumulators cannot overflow.
     */
    private static void checkBound(HyperLayer layer, int l, long maxInput) {
        int perChannel = layer.inChannels * layer.kernel * layer.kernel;
        for (int o = 0; o < layer.outChannels; o++) {
            long sum = 0;
            for (int i = o * perChannel, end = i + perChannel; i < end; i++) {
                sum += Math.abs(layer.weights[i]);
            }
            long limit = (1L << 31) - 1 - Math.abs((long) layer.bias[o]);
            boolean ok = limit >= 0 && (sum == 0 || maxInput <= limit / sum);
            if (!ok) {
                throw invalid("layer " + l + " (" + layer.describe() + "), output channel " + o
                        + ": the accumulator bound |bias| + sum|w| * max|input| < 2^31 does not hold");
            }
        }
    }

    private static long u32(ByteBuffer in) {
        return Integer.toUnsignedLong(in.getInt());
    }

    private static LicException invalid(String reason) {
        return new LicException(ErrorKind.INVALID_PACK, FILE_NAME + ": " + reason);
    }
}
