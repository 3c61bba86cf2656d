package dev.lic.api;

import java.util.Objects;

/**
 * The only exception codec-core (and the Java client) lets escape: an {@link ErrorKind} and a message meant for a person.
 * Messages name what failed (a file, a field, a limit) and never carry input bytes.
 */
public final class LicException extends RuntimeException {
    private final ErrorKind kind;

    public LicException(ErrorKind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public LicException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public ErrorKind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return kind + ": " + getMessage();
    }
}
