package dev.lic.core.hyper;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes {@code hyper_synthesis.bin} files for tests, field by field as docs/codec-pack.md lists them. */
final class HyperFileBuilder {
    /** One layer; fields are public so tests can break them on purpose. */
    static final class Layer {
        int kind;
        int kernel;
        int stride;
        int padding;
        int outputPadding;
        int in;
        int out;
        int outMin;
        int outMax;
        byte[] weights;
        int[] bias;
        int[] multiplier;
        int[] shift;
    }

    int magic = 0x4843494C; // "LICH" little-endian
    int version = 1;
    int inputChannels;
    int zClamp = 32;
    int fractionBits = 8;
    final List<Layer> layers = new ArrayList<>();

    HyperFileBuilder(int inputChannels) {
        this.inputChannels = inputChannels;
    }

    /** Adds a layer with random small weights and a multiplier/shift that keeps outputs moderate. */
    Layer add(Random random, boolean transposed, int kernel, int stride, int padding, int outputPadding, int in,
              int out, int outMin, int outMax) {
        Layer l = new Layer();
        l.kind = transposed ? 1 : 0;
        l.kernel = kernel;
        l.stride = stride;
        l.padding = padding;
        l.outputPadding = outputPadding;
        l.in = in;
        l.out = out;
        l.outMin = outMin;
        l.outMax = outMax;
        l.weights = new byte[in * out * kernel * kernel];
        for (int i = 0; i < l.weights.length; i++) {
            l.weights[i] = (byte) (random.nextInt(255) - 127);
        }
        l.bias = new int[out];
        l.multiplier = new int[out];
        l.shift = new int[out];
        for (int o = 0; o < out; o++) {
            l.bias[o] = random.nextInt(20001) - 10000;
            l.multiplier[o] = 1 + random.nextInt(1 << 30);
            l.shift[o] = 30 + random.nextInt(14);
        }
        layers.add(l);
        return l;
    }

    byte[] build() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer head = le(24);
        head.putInt(magic).putInt(version).putInt(inputChannels).putInt(zClamp).putInt(fractionBits)
                .putInt(layers.size());
        bytes.writeBytes(head.array());
        for (Layer l : layers) {
            ByteBuffer h = le(24);
            h.put((byte) l.kind).put((byte) l.kernel).put((byte) l.stride).put((byte) l.padding)
                    .put((byte) l.outputPadding).put((byte) 0).put((byte) 0).put((byte) 0);
            h.putInt(l.in).putInt(l.out).putInt(l.outMin).putInt(l.outMax);
            bytes.writeBytes(h.array());
            bytes.writeBytes(l.weights);
            pad(bytes);
            ByteBuffer p = le(l.bias.length * 8);
            for (int v : l.bias) {
                p.putInt(v);
            }
            for (int v : l.multiplier) {
                p.putInt(v);
            }
            bytes.writeBytes(p.array());
            for (int v : l.shift) {
                bytes.write(v);
            }
            pad(bytes);
        }
        return bytes.toByteArray();
    }

    private static void pad(ByteArrayOutputStream bytes) {
        while (bytes.size() % 4 != 0) {
            bytes.write(0);
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A network shaped like the shipped hyperprior h_s: two stride-2 transposed 5x5 convs, ReLU, a 1x1 conv. */
    static HyperFileBuilder hyperpriorShaped(Random random, int n, int m) {
        HyperFileBuilder b = new HyperFileBuilder(n);
        b.zClamp = 64;
        b.add(random, true, 5, 2, 2, 1, n, m, 0, 4000);
        b.add(random, true, 5, 2, 2, 1, m, m, 0, 4000);
        b.add(random, false, 1, 1, 0, 0, m, 2 * m, -1 << 20, 1 << 20);
        return b;
    }
}
