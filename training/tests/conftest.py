"""Shared fixtures: the test vectors and the tiny test pack of testvectors/ (see its README)."""
import os
import sys

import pytest
import torch

TRAINING = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, TRAINING)

REPO = os.path.dirname(TRAINING)
TV = os.path.join(REPO, "testvectors")
PACK = os.path.join(TV, "pack")
PACK_VR = os.path.join(TV, "pack-vr")
_PACKS = os.path.join(REPO, "codec-core", "src", "main", "resources", "lic", "packs", "codec")
_ADAPTORS = os.path.join(REPO, "adaptors", "src", "main", "resources", "lic", "packs", "adaptors")
# The shipped default (variable-rate, version 2) and the first codec (version 1, kept for stored bitstreams).
SHIPPED_CODEC = os.path.join(_PACKS, "hyperprior-vr")
SHIPPED_HUMAN = os.path.join(_ADAPTORS, "human-hyperprior-vr")
SHIPPED_CHECKPOINT = os.path.join(TRAINING, "checkpoints", "hyperprior-vr.pt")
SHIPPED_CODEC_V1 = os.path.join(_PACKS, "hyperprior-s")
SHIPPED_HUMAN_V1 = os.path.join(_ADAPTORS, "human-hyperprior-s")
KODAK = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "kodak"))

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_pack():
    from lic.pack import load_codec_pack
    return load_codec_pack(os.path.join(PACK, "codec"))


@pytest.fixture(scope="session")
def tiny_model():
    from lic.train import load_model
    return load_model(os.path.join(PACK, "checkpoint.pt"))[0]


@pytest.fixture(scope="session")
def tiny_vr_pack():
    from lic.pack import load_codec_pack
    return load_codec_pack(os.path.join(PACK_VR, "codec"))


@pytest.fixture(scope="session")
def tiny_vr_model():
    from lic.train import load_model
    return load_model(os.path.join(PACK_VR, "checkpoint.pt"))[0]


@pytest.fixture(scope="session")
def known_packs(tiny_pack, tiny_vr_pack):
    """Every codec pack a vector may name: the two test packs and the two shipped ones."""
    from lic.pack import load_codec_pack
    packs = {tiny_pack.codec_id: tiny_pack, tiny_vr_pack.codec_id: tiny_vr_pack}
    for folder in (SHIPPED_CODEC, SHIPPED_CODEC_V1):
        p = load_codec_pack(folder)
        packs[p.codec_id] = p
    return packs
