package dev.lic.api;

/**
 * The one list of error kinds used by every entry point ({@code docs/errors.md}). The gRPC server and
 * the CLI map each kind to a status and an exit code in one place; codec-core only names the kind.
 */
public enum ErrorKind {
    /** A request field is missing or out of range (rate index, page size, id syntax). */
    INVALID_ARGUMENT,
    /** The bytes are not a PNG or JPEG, or the image cannot be read. */
    INVALID_IMAGE,
    /** Image or bitstream over the configured limits (checked before large allocations). */
    TOO_LARGE,
    /** Not a bitstream: too short for a header or wrong magic. */
    INVALID_BITSTREAM,
    /** Bitstream format version or flags this build does not know. */
    UNSUPPORTED_VERSION,
    /** Length, checksum or entropy-decoding integrity check failed. */
    CORRUPT_BITSTREAM,
    /** The bitstream's codec id (or rate index) has no loaded codec pack. */
    UNKNOWN_CODEC,
    /** No adaptor of that name for the bitstream's codec. */
    UNKNOWN_ADAPTOR,
    /** No stored bitstream with that id. */
    NOT_FOUND,
    /** A stored object failed its checksum on read. */
    STORE_CORRUPT,
    /** A codec or adaptor pack failed validation (hash, format, shapes). */
    INVALID_PACK,
    /** An admin (mutating) call came without an {@code authorization: Bearer <token>} header. */
    UNAUTHENTICATED,
    /** An admin call's token is wrong, or the server has no admin token configured (admin calls disabled). */
    PERMISSION_DENIED,
    /** A Put would take the store over its configured quota (bytes or objects); nothing was written. */
    STORE_FULL,
    /**
     * The request conflicts with the current state: deleting the active adaptor version, activating a
     * version that is not READY, registering a version that exists, rolling back with no previous version.
     */
    CONFLICT,
    /** The server cannot be reached (client side only). */
    UNAVAILABLE,
    /** A bug; the message carries no input data. */
    INTERNAL
}
