package dev.lic.api;

/**
 * Process exit codes per error kind (docs/errors.md): one table for every command-line entry point (the
 * {@code lic} CLI, the Spark job's launcher).
 */
public final class ExitCodes {
    /** An input or output location could not be read or written. */
    public static final int IO_ERROR = 12;
    /** A batch (several files or folders) in which files failed for different reasons; the summary lists them. */
    public static final int SOME_FAILED = 17;

    private ExitCodes() {}

    public static int of(ErrorKind kind) {
        return switch (kind) {
            case INTERNAL -> 1;
            case INVALID_ARGUMENT -> 2;
            case INVALID_IMAGE -> 3;
            case TOO_LARGE -> 4;
            case INVALID_BITSTREAM, UNSUPPORTED_VERSION -> 5;
            case CORRUPT_BITSTREAM, STORE_CORRUPT -> 6;
            case UNKNOWN_CODEC -> 7;
            case UNKNOWN_ADAPTOR -> 8;
            case NOT_FOUND -> 9;
            case INVALID_PACK -> 10;
            case UNAVAILABLE -> 11;
            case UNAUTHENTICATED -> 13;
            case PERMISSION_DENIED -> 14;
            case STORE_FULL -> 15;
            case CONFLICT -> 16;
        };
    }
}
