package dev.lic.cli;

/** How {@code lic decode} writes an image adaptor's output: a PNG file, or the raw pixels. */
enum ImageForm {
    /** An 8-bit RGB PNG ({@code .png}). */
    png,
    /** Interleaved 8-bit RGB bytes, row by row, no header ({@code .rgb}); the size is in the report. */
    raw;

    String extension() {
        return this == png ? ".png" : ".rgb";
    }
}
