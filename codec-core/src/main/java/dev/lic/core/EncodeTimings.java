package dev.lic.core;

/**
 * Where an encode spent its time, in nanoseconds.
 *
 * @param imageReadNanos PNG/JPEG decoding, limits, conversion and padding
 * @param analysisNanos the encoder graph in ONNX Runtime, and rounding z
 * @param hyperSynthesisNanos integer hyper-synthesis and scale indexes
 * @param entropyCodingNanos quantising y and rANS-coding both sections
 * @param containerNanos header and CRC
 */
public record EncodeTimings(long imageReadNanos, long analysisNanos, long hyperSynthesisNanos,
                            long entropyCodingNanos, long containerNanos) {
    public long totalNanos() {
        return imageReadNanos + analysisNanos + hyperSynthesisNanos + entropyCodingNanos + containerNanos;
    }
}
