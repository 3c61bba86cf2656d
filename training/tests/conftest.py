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
SHIPPED_CODEC = os.path.join(REPO, "codec-core", "src", "main", "resources", "lic", "packs", "codec", "default")
SHIPPED_HUMAN = os.path.join(REPO, "adaptors", "src", "main", "resources", "lic", "packs", "adaptors", "human")
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
def known_packs(tiny_pack):
    """Every codec pack a vector may name: the test pack and, when exported, the shipped default."""
    from lic.pack import load_codec_pack
    packs = {tiny_pack.codec_id: tiny_pack}
    if os.path.exists(os.path.join(SHIPPED_CODEC, "manifest.json")):
        p = load_codec_pack(SHIPPED_CODEC)
        packs[p.codec_id] = p
    return packs
