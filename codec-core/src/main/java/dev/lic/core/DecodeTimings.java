package dev.lic.core;

/**
 * Where a decode spent its time, in nanoseconds.
 *
 * @param parseNanos container checks (CRC included) and pack lookup
 * @param zDecodeNanos rANS decoding of the z section
 * @param hyperSynthesisNanos integer hyper-synthesis and scale indexes
 * @param yDecodeNanos rANS decoding of the y section
 * @param synthesisNanos reconstructing y_hat and the adaptor's graph in ONNX Runtime
 * @param imageOutputNanos clamping, rounding and cropping to 8-bit RGB (PNG encoding is not included)
 */
public record DecodeTimings(long parseNanos, long zDecodeNanos, long hyperSynthesisNanos, long yDecodeNanos,
                            long synthesisNanos, long imageOutputNanos) {
    public long totalNanos() {
        return parseNanos + zDecodeNanos + hyperSynthesisNanos + yDecodeNanos + synthesisNanos + imageOutputNanos;
    }
}
