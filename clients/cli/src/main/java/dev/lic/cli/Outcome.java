package dev.lic.cli;

import dev.lic.api.ExitCodes;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What happened to one input of a batch. {@code json} is the per-file object of {@code --json} (fields
 * listed in the README, "Command line"); the numbers feed the summary.
 */
record Outcome(Path input, ObjectNode json, long pixels, long bytesIn, long bytesOut, double bpp, Failure failure) {

    boolean ok() {
        return failure == null;
    }

    /** Why a file failed: an ErrorKind name (or {@code IO_ERROR}), its CLI exit code and a message. */
    record Failure(String kind, int exitCode, String message) {
        static Failure io(String message) {
            return new Failure("IO_ERROR", ExitCodes.IO_ERROR, message);
        }

        /** The failure of an exception thrown while working on one file. */
        static Failure of(Throwable e) {
            if (e instanceof LicException lic) {
                return new Failure(lic.kind().name(), ExitCodes.of(lic.kind()), lic.getMessage());
            }
            if (e instanceof UncheckedIOException u) {
                e = u.getCause();
            }
            if (e instanceof IOException io) {
                return io(io.getClass().getSimpleName() + ": " + io.getMessage());
            }
            return new Failure(ErrorKind.INTERNAL.name(), ExitCodes.of(ErrorKind.INTERNAL),
                    "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
