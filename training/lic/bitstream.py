"""Bitstream container, format version 1 (docs/bitstream.md): 56-byte header, z and y rANS sections,
CRC-32 trailer. Parsing makes every check of the spec and raises the error kinds of docs/errors.md.
"""
import struct
import zlib
from dataclasses import dataclass

from .errors import CorruptBitstream, InvalidBitstream, UnsupportedVersion

MAGIC = b"LICB"
VERSION = 1
HEADER = 56
OVERHEAD = HEADER + 4          # header + CRC: 60 bytes counted in every bpp
MAX_SIDE = 65535
_FMT = "<4sBBBB32sIIII"        # magic, version, flags, rate, reserved, codec id, w, h, Lz, Ly


@dataclass
class Bitstream:
    codec_id: bytes            # 32 raw SHA-256 bytes
    width: int
    height: int
    z: bytes                   # rANS sections
    y: bytes
    rate_index: int = 0

    @property
    def codec_id_hex(self):
        return self.codec_id.hex()

    def to_bytes(self):
        if len(self.codec_id) != 32:
            raise ValueError("codec id must be 32 bytes")
        if not (1 <= self.width <= MAX_SIDE and 1 <= self.height <= MAX_SIDE):
            raise ValueError(f"image size {self.width}x{self.height} out of 1..{MAX_SIDE}")
        for name, sec in (("z", self.z), ("y", self.y)):
            if len(sec) < 4 or len(sec) % 2:
                raise ValueError(f"{name} section of {len(sec)} bytes")
        if not 0 <= self.rate_index <= 255:
            raise ValueError("rate index out of range")
        head = struct.pack(_FMT, MAGIC, VERSION, 0, self.rate_index, 0, self.codec_id,
                           self.width, self.height, len(self.z), len(self.y))
        body = head + self.z + self.y
        return body + struct.pack("<I", zlib.crc32(body))


def write(codec_id, width, height, z, y, rate_index=0):
    return Bitstream(bytes(codec_id), width, height, bytes(z), bytes(y), rate_index).to_bytes()


def parse(data):
    """bytes -> Bitstream, or InvalidBitstream / UnsupportedVersion / CorruptBitstream."""
    data = bytes(data)
    if len(data) < OVERHEAD:
        raise InvalidBitstream(f"{len(data)} bytes is shorter than the 60-byte header and checksum")
    magic, version, flags, rate, reserved, codec_id, w, h, lz, ly = struct.unpack_from(_FMT, data)
    if magic != MAGIC:
        raise InvalidBitstream("wrong magic (not a LIC bitstream)")
    if version != VERSION:
        raise UnsupportedVersion(f"bitstream format version {version} (this decoder reads {VERSION})")
    if flags:
        raise UnsupportedVersion(f"unknown flags 0x{flags:02x}")
    if reserved:
        raise UnsupportedVersion(f"reserved header byte is {reserved}")
    if len(data) != OVERHEAD + lz + ly:
        raise CorruptBitstream(f"length {len(data)} does not match the header (expected {OVERHEAD + lz + ly})")
    end = HEADER + lz + ly
    crc = struct.unpack_from("<I", data, end)[0]
    if zlib.crc32(data[:end]) != crc:
        raise CorruptBitstream("CRC-32 mismatch")
    if not (1 <= w <= MAX_SIDE and 1 <= h <= MAX_SIDE):
        raise CorruptBitstream(f"image size {w}x{h} out of 1..{MAX_SIDE}")
    if lz < 4 or ly < 4 or lz % 2 or ly % 2:
        raise CorruptBitstream(f"section lengths {lz}, {ly} (must be even and >= 4)")
    return Bitstream(codec_id, w, h, data[HEADER:HEADER + lz], data[HEADER + lz:end], rate)
