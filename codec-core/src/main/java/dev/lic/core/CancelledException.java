package dev.lic.core;

import dev.lic.api.LicException;

/**
 * The caller cancelled the request (see {@link Cancellation}); nothing of it is returned. Not a
 * {@link LicException}: no error kind applies, the caller has already gone (the server answers CANCELLED).
 */
public final class CancelledException extends RuntimeException {
    public CancelledException(String message) {
        super(message, null, false, false);
    }
}
