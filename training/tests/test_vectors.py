"""Decode every stored bitstream (python/, java/) and every broken one (invalid/)."""
import glob
import hashlib
import json
import os

import numpy as np
import pytest

from conftest import TV
from lic.codec import decode_latents, encode_latents
from lic.errors import LicError
from lic.make_test_vectors import digest


def _expects(folder):
    return sorted(glob.glob(os.path.join(TV, folder, "*.expect.json")))


def check_vector(path, packs):
    with open(path) as f:
        e = json.load(f)
    with open(os.path.join(os.path.dirname(path), e["bitstream"]), "rb") as f:
        data = f.read()
    assert len(data) == e["bytes"] and hashlib.sha256(data).hexdigest() == e["sha256"]
    assert e["codec_id"] in packs, f"{path}: codec {e['codec_id']} is neither the test pack nor the shipped one"
    bs, lat, pack = decode_latents(packs, data)
    assert (bs.width, bs.height, bs.codec_id_hex, bs.rate_index) == \
        (e["width"], e["height"], e["codec_id"], e.get("rate_index", 0))
    for name, arr in lat.arrays().items():
        assert digest(arr) == e["latents"][name], f"{path}: {name}"
    # The entropy coder is deterministic: the same latents give the same bytes.
    assert encode_latents(pack, lat, bs.width, bs.height, bs.rate_index) == data


def test_python_vectors_present():
    assert len(_expects("python")) >= 5


@pytest.mark.parametrize("path", _expects("python"), ids=os.path.basename)
def test_python_vector(path, known_packs):
    check_vector(path, known_packs)


def test_java_vectors(known_packs):
    """Bitstreams made by the Java encoder (none until the Java side writes them)."""
    for path in _expects("java"):
        check_vector(path, known_packs)


def _invalid():
    with open(os.path.join(TV, "invalid", "index.json")) as f:
        return sorted(json.load(f).items())


def test_invalid_vectors_cover_every_kind():
    kinds = {k for _, k in _invalid()}
    assert kinds == {"INVALID_BITSTREAM", "UNSUPPORTED_VERSION", "CORRUPT_BITSTREAM", "UNKNOWN_CODEC"}


@pytest.mark.parametrize("name,kind", _invalid())
def test_invalid_vector(name, kind, tiny_pack):
    with open(os.path.join(TV, "invalid", name), "rb") as f:
        data = f.read()
    with pytest.raises(LicError) as e:
        decode_latents(tiny_pack, data)
    assert e.value.kind == kind, str(e.value)


def test_corrupt_section_with_valid_crc_is_caught_by_rans(tiny_pack):
    from lic.rans import CorruptStream
    with open(os.path.join(TV, "invalid", "y_corrupt_valid_crc.lic"), "rb") as f:
        with pytest.raises(CorruptStream):
            decode_latents(tiny_pack, f.read())
