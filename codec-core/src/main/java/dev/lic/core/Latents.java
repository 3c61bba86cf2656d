package dev.lic.core;

import dev.lic.core.bitstream.BitstreamHeader;

/**
 * Everything a bitstream determines, as integers, channel-major ({@code [C][h][w]}): {@code zHat}
 * {@code [N][zHeight][zWidth]}; {@code scaleIndex}, {@code meanQ} (units {@code 2^-F}) and {@code q}, each
 * {@code [M][yHeight][yWidth]}. Used to cross-check implementations.
 */
public record Latents(BitstreamHeader header, int fractionBits, int zChannels, int zHeight, int zWidth, int[] zHat,
                      int yChannels, int yHeight, int yWidth, int[] scaleIndex, int[] meanQ, int[] q) {
}
