package dev.lic.jobs.spark;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on output locations, made on the driver before any task runs. */
final class Outputs {
    private Outputs() {}

    /**
     * A table that exists is an error unless {@code overwrite}: the job never mixes two runs' rows. Local
     * paths are checked here with a message naming the flag; for other URIs Spark refuses the same way.
     */
    static void checkTable(String table, boolean overwrite) {
        Path local = localPath(table);
        if (!overwrite && local != null && Files.exists(local)) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, "the table " + local + " exists; pass --overwrite to "
                    + "replace it, or choose another --output");
        }
    }

    /**
     * A folder written by the executors with plain file I/O (bitstreams, PNGs): a path or a {@code file:}
     * URI, on a file system every executor shares. Other schemes are refused until the store module's
     * object-store sink is plugged in ({@link BitstreamSink}).
     */
    static Path requireLocalFolder(String location, String what) {
        Path local = localPath(location);
        if (local == null) {
            throw new LicException(ErrorKind.INVALID_ARGUMENT, what + " " + location + " must be a local or shared "
                    + "file system path (the job writes it with plain file I/O from every executor)");
        }
        return local.toAbsolutePath().normalize();
    }

    /** The path of a plain path or {@code file:} URI; null for other schemes. */
    static Path localPath(String location) {
        int colon = location.indexOf(':');
        int slash = location.indexOf('/');
        boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
        if (!hasScheme) {
            return Path.of(location);
        }
        URI uri = URI.create(location);
        return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri) : null;
    }
}
