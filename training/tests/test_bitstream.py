import struct
import zlib

import pytest

from lic import bitstream
from lic.errors import CorruptBitstream, InvalidBitstream, UnsupportedVersion

CID = bytes(range(32))


def sample():
    return bitstream.write(CID, 100, 70, b"\x01\x00\x00\x00", b"\x02\x00\x03\x00\x04\x00", 0)


def recrc(b):
    return b[:-4] + struct.pack("<I", zlib.crc32(b[:-4]))


def test_round_trip_and_layout():
    data = sample()
    assert len(data) == 60 + 4 + 6 and data[:4] == b"LICB" and data[8:40] == CID
    assert struct.unpack_from("<IIII", data, 40) == (100, 70, 4, 6)
    assert struct.unpack_from("<I", data, 66)[0] == zlib.crc32(data[:66])
    bs = bitstream.parse(data)
    assert (bs.codec_id, bs.width, bs.height, bs.z, bs.y, bs.rate_index) == \
        (CID, 100, 70, b"\x01\x00\x00\x00", b"\x02\x00\x03\x00\x04\x00", 0)


@pytest.mark.parametrize("mutate,error", [
    (lambda d: d[:59], InvalidBitstream),
    (lambda d: recrc(b"LICC" + d[4:]), InvalidBitstream),
    (lambda d: recrc(d[:4] + b"\x00" + d[5:]), UnsupportedVersion),
    (lambda d: recrc(d[:5] + b"\x80" + d[6:]), UnsupportedVersion),
    (lambda d: recrc(d[:7] + b"\x01" + d[8:]), UnsupportedVersion),
    (lambda d: d[:-1], CorruptBitstream),
    (lambda d: d + b"\x00", CorruptBitstream),
    (lambda d: d[:-4] + bytes(4), CorruptBitstream),
    (lambda d: recrc(d[:44] + struct.pack("<I", 0) + d[48:]), CorruptBitstream),
    (lambda d: recrc(d[:40] + struct.pack("<I", 65536) + d[44:]), CorruptBitstream),
    (lambda d: recrc(d[:48] + struct.pack("<II", 5, 5) + d[56:]), CorruptBitstream),
    (lambda d: recrc(d[:48] + struct.pack("<II", 2, 8) + d[56:]), CorruptBitstream),
])
def test_errors(mutate, error):
    with pytest.raises(error) as e:
        bitstream.parse(mutate(sample()))
    assert e.value.kind == error.kind


def test_writer_refuses_invalid_fields():
    for args in [(CID, 0, 1, b"\0" * 4, b"\0" * 4), (CID, 1, 1, b"\0" * 3, b"\0" * 4), (CID[:31], 1, 1, b"\0" * 4, b"\0" * 4)]:
        with pytest.raises(ValueError):
            bitstream.write(*args)
