package dev.lic.api;

/** Adaptor names every entry point agrees on. */
public final class Adaptors {
    /**
     * The adaptor a decode uses when the request names none: the RGB image adaptor shipped with every codec
     * pack (an {@code image} task).
     */
    public static final String DEFAULT_NAME = "human";

    private Adaptors() {
    }
}
