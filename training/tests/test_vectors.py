"""Decode every stored bitstream (python/, java/) and every broken one (invalid/)."""
import glob
import hashlib
import json
import os

import numpy as np
import pytest

from conftest import TV
from lic.codec import adaptor_input, decode_latents, encode_latents
from lic.errors import LicError
from lic.make_test_vectors import digest, float_digest


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
    if "adaptor_input" in e:      # variable-rate packs: y_hat * inv_gain[rate], exact float32
        assert float_digest(adaptor_input(pack, bs, lat)) == e["adaptor_input"], f"{path}: adaptor input"
    return e


def test_python_vectors_present():
    assert len(_expects("python")) >= 5


@pytest.mark.parametrize("path", _expects("python"), ids=os.path.basename)
def test_python_vector(path, known_packs):
    check_vector(path, known_packs)


def test_java_vectors(known_packs):
    """Bitstreams made by the Java encoder (none until the Java side writes them)."""
    for path in _expects("java"):
        check_vector(path, known_packs)


def test_python_vr_vectors_cover_every_rate(tiny_vr_pack, known_packs):
    """The variable-rate test pack's vectors: every rate index, each with its adaptor-input digest."""
    paths = _expects("python-vr")
    rates = {check_vector(p, known_packs)["rate_index"] for p in paths}
    assert rates == tiny_vr_pack.rate_indexes and len(paths) >= 2 * len(rates)


def test_python_shipped_vectors_cover_every_rate(known_packs):
    """The shipped variable-rate pack on a Kodak crop, every rate: latents, bytes and adaptor input."""
    from conftest import SHIPPED_CODEC
    from lic.pack import load_codec_pack
    pack = load_codec_pack(SHIPPED_CODEC)
    rates = {check_vector(p, known_packs)["rate_index"] for p in _expects("python-shipped")}
    assert rates == pack.rate_indexes


def test_java_vr_vectors_cover_every_rate(known_packs, tiny_vr_pack):
    """Bitstreams of the Java encoder with the variable-rate packs (codec-core's MakeJavaVectors)."""
    paths = _expects("java-vr")
    found = {}
    for p in paths:
        e = check_vector(p, known_packs)
        found.setdefault(e["codec_id"], set()).add(e["rate_index"])
    assert found.get(tiny_vr_pack.codec_id) == tiny_vr_pack.rate_indexes, found


def _invalid(folder="invalid"):
    with open(os.path.join(TV, folder, "index.json")) as f:
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


@pytest.mark.parametrize("name,kind", _invalid("invalid-vr"))
def test_invalid_vr_vector(name, kind, tiny_vr_pack):
    with open(os.path.join(TV, "invalid-vr", name), "rb") as f:
        data = f.read()
    with pytest.raises(LicError) as e:
        decode_latents(tiny_vr_pack, data)
    assert e.value.kind == kind, str(e.value)
