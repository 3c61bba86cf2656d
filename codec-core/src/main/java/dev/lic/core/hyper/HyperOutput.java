package dev.lic.core.hyper;

/**
 * What the integer hyper-synthesis gives for every y position: {@code scaleQ} and {@code meanQ}, both
 * {@code [M][height][width]} channel-major and in units of {@code 2^-F}.
 */
public record HyperOutput(int channels, int height, int width, int fractionBits, int[] scaleQ, int[] meanQ) {
}
