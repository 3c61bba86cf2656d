package dev.lic.core;

import dev.lic.api.LatentGrid;
import dev.lic.core.image.PaddedImage;
import dev.lic.core.onnx.AnalysisTiling;
import dev.lic.core.onnx.SynthesisTiling;

/**
 * Estimated peak memory of one request above the process's resting size, from the image size alone
 * (docs/memory.md has the measurements these constants come from). Used by the server to admit requests
 * against a memory budget; an estimate, deliberately on the high side.
 *
 * <ul>
 *   <li>Decode: the integer latents, {@code y_dec}, the 8-bit image, its PNG and the response copies scale
 *       with the pixels ({@link #DECODE_BYTES_PER_PIXEL}); the synthesis graph's scratch is that of one tile
 *       at most ({@link #SYNTHESIS_BYTES_PER_PIXEL} times the largest tile's pixels) because large images are
 *       synthesised in tiles ({@link SynthesisTiling}).</li>
 *   <li>Encode: the padded float image, the float and integer latents and the hyper-synthesis output scale
 *       with the pixels ({@link #ENCODE_BYTES_PER_PIXEL}); the analysis graph's scratch is that of one tile at
 *       most ({@link #ANALYSIS_BYTES_PER_PIXEL} times the largest tile's pixels) because large images are
 *       analysed in tiles ({@link AnalysisTiling}; before tiling a 4096 x 4096 encode peaked at 9.5 GB).</li>
 *   <li>Decode with a task adaptor (detection, segmentation): its graph runs on the whole latent, because
 *       the adaptor blocks' spectral branch is image-wide, so its scratch scales with the image: the task
 *       network's and the synthesis's activations per pixel ({@link #TASK_BYTES_PER_PIXEL}) and the Fourier
 *       transforms' per pixel of the power-of-two frame they pad to ({@link #TASK_SPECTRAL_BYTES_PER_PIXEL}).
 *       A 4096 x 4096 segmentation decode peaked 4.5 GiB above resting.</li>
 * </ul>
 */
public final class MemoryModel {
    /** Heap bytes per output pixel of a decode: latents (q, mean, scale index, y_dec), RGB, PNG, copies. */
    public static final long DECODE_BYTES_PER_PIXEL = 32;
    /** ONNX Runtime scratch per pixel of one synthesis run (activations of the sub-pixel stages). */
    public static final long SYNTHESIS_BYTES_PER_PIXEL = 200;
    /** Heap bytes per padded pixel of an encode: decoded image, float planes, y, q, means, scale indexes. */
    public static final long ENCODE_BYTES_PER_PIXEL = 40;
    /** ONNX Runtime scratch per pixel of one analysis run (g_a's activations at 1/2 .. 1/16 resolution). */
    public static final long ANALYSIS_BYTES_PER_PIXEL = 600;
    /** ONNX Runtime scratch per pixel of a task adaptor's graph besides its Fourier transforms. */
    public static final long TASK_BYTES_PER_PIXEL = 50;
    /**
     * ONNX Runtime scratch of a task adaptor's Fourier transforms per pixel of the padded frame with each side
     * rounded up to a power of two (what the transforms pad to, at every stage).
     */
    public static final long TASK_SPECTRAL_BYTES_PER_PIXEL = 220;
    /** Per request whatever its size (buffers, tensors' headers, the request itself). */
    public static final long FIXED_BYTES = 8L << 20;

    private MemoryModel() {
    }

    /** Estimated peak bytes of decoding a {@code width x height} bitstream with {@code tiling}. */
    public static long decodeBytes(int width, int height, SynthesisTiling tiling) {
        long pixels = (long) width * height;
        int h = PaddedImage.pad(height) / LatentGrid.Y_STRIDE;
        int w = PaddedImage.pad(width) / LatentGrid.Y_STRIDE;
        long tilePixels = (long) LatentGrid.Y_STRIDE * LatentGrid.Y_STRIDE * tiling.maxTilePositions(h, w);
        return FIXED_BYTES + DECODE_BYTES_PER_PIXEL * pixels + SYNTHESIS_BYTES_PER_PIXEL * tilePixels;
    }

    /**
     * Estimated peak bytes of decoding a {@code width x height} bitstream with a task adaptor, whose graph
     * runs untiled on the whole latent.
     */
    public static long taskDecodeBytes(int width, int height) {
        int wp = PaddedImage.pad(width);
        int hp = PaddedImage.pad(height);
        return FIXED_BYTES + DECODE_BYTES_PER_PIXEL * width * (long) height + TASK_BYTES_PER_PIXEL * wp * (long) hp
                + TASK_SPECTRAL_BYTES_PER_PIXEL * nextPowerOfTwo(wp) * (long) nextPowerOfTwo(hp);
    }

    private static int nextPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** Estimated peak bytes of encoding a {@code width x height} image with {@code tiling}. */
    public static long encodeBytes(int width, int height, AnalysisTiling tiling) {
        int hp = PaddedImage.pad(height);
        int wp = PaddedImage.pad(width);
        long tilePixels = tiling.maxTilePixels(hp / LatentGrid.Z_STRIDE, wp / LatentGrid.Z_STRIDE);
        return FIXED_BYTES + ENCODE_BYTES_PER_PIXEL * wp * (long) hp + ANALYSIS_BYTES_PER_PIXEL * tilePixels;
    }
}
