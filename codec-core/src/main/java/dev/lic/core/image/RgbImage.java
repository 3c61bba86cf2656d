package dev.lic.core.image;

/**
 * An 8-bit RGB image, interleaved {@code [height][width][3]}.
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if ((long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("rgb holds " + rgb.length + " bytes, not " + width + "x" + height + "x3");
        }
    }

    /**
     * From the synthesis output {@code planes[3][planeHeight][planeWidth]} (nominally [0, 1]): clamp, round
     * to 8 bits ({@code floor(v * 255 + 1/2)}), crop to {@code width x height}.
     */
    public static RgbImage fromPlanes(float[] planes, int planeWidth, int planeHeight, int width, int height) {
        if (width > planeWidth || height > planeHeight || (long) 3 * planeWidth * planeHeight != planes.length) {
            throw new IllegalArgumentException("synthesis output " + planeWidth + "x" + planeHeight
                    + " cannot be cropped to " + width + "x" + height);
        }
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        copyPlanes(planes, planeWidth, 0, 0, rgb, width, 0, 0, width, height);
        return new RgbImage(width, height, rgb);
    }

    /**
     * Clamps, rounds (as {@link #fromPlanes}) and writes the {@code cw x ch} block at {@code (sx, sy)} of
     * {@code planes[3][*][planeWidth]} into the interleaved {@code rgb} of an image {@code width} wide, at
     * {@code (dx, dy)}: how tiled synthesis assembles its output.
     */
    public static void copyPlanes(float[] planes, int planeWidth, int sx, int sy, byte[] rgb, int width, int dx,
                                  int dy, int cw, int ch) {
        int plane = planes.length / 3;
        for (int y = 0; y < ch; y++) { // row by row, the three planes at once: one pass over the output
            int r = (sy + y) * planeWidth + sx;
            int g = r + plane;
            int b = g + plane;
            int out = ((dy + y) * width + dx) * 3;
            for (int x = 0; x < cw; x++, out += 3) {
                rgb[out] = (byte) toByte(planes[r + x]);
                rgb[out + 1] = (byte) toByte(planes[g + x]);
                rgb[out + 2] = (byte) toByte(planes[b + x]);
            }
        }
    }

    /**
     * {@code v} in [0, 1] to 0..255, rounding half up; below 0 and NaN give 0, above 1 gives 255. Branch-free
     * (a Java float-to-int cast truncates towards zero, sends NaN to 0 and saturates at the int range).
     */
    static int toByte(float v) {
        return Math.min(255, Math.max(0, (int) (v * 255f + 0.5f)));
    }
}
