"""Error kinds of docs/errors.md, as Python exceptions.

Every exception carries `kind`, the ErrorKind name the Java service uses, so tests and test vectors
can name the expected failure in one vocabulary across both implementations.
"""


class LicError(Exception):
    kind = "INTERNAL"


class InvalidBitstream(LicError):
    """Not a bitstream: too short for a header or wrong magic."""
    kind = "INVALID_BITSTREAM"


class UnsupportedVersion(LicError):
    """Format version, flags or reserved byte this implementation does not know."""
    kind = "UNSUPPORTED_VERSION"


class CorruptBitstream(LicError):
    """Length, checksum or entropy-decoding integrity check failed."""
    kind = "CORRUPT_BITSTREAM"


class UnknownCodec(LicError):
    """The bitstream's codec id or rate index has no loaded codec pack."""
    kind = "UNKNOWN_CODEC"


class InvalidPack(LicError):
    """A codec or adaptor pack failed validation (hash, format, shapes)."""
    kind = "INVALID_PACK"


class TooLarge(LicError):
    kind = "TOO_LARGE"


class InvalidArgument(LicError):
    """A request field is out of range (e.g. a rate index the codec pack does not have)."""
    kind = "INVALID_ARGUMENT"
