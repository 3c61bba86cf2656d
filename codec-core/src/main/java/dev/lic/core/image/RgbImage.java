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
        int plane = planeWidth * planeHeight;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                int in = c * plane + y * planeWidth;
                int out = y * width * 3 + c;
                for (int x = 0; x < width; x++, out += 3) {
                    rgb[out] = (byte) toByte(planes[in + x]);
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    static int toByte(float v) {
        if (!(v > 0f)) { // also NaN
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return (int) (v * 255f + 0.5f);
    }
}
