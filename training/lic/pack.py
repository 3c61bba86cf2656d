"""Codec and adaptor pack readers (docs/codec-pack.md, docs/adaptor-pack.md) and the codec id.

A pack serves only after every listed file's SHA-256 and the codec id have been verified; any
mismatch raises InvalidPack naming the file.
"""
import hashlib
import json
import os
import re
from dataclasses import dataclass

import numpy as np

from .errors import InvalidPack
from .gains import Gains
from .inthyper import IntHyperNet
from .tables import EntropyTables

CODEC_FORMAT = "lic-codec-pack"
ADAPTOR_FORMAT = "lic-adaptor-pack"
CODEC_FILES = ("encoder.onnx", "entropy_tables.bin", "hyper_synthesis.bin")
CODEC_FILES_V2 = CODEC_FILES + ("gains.bin",)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def codec_id(files):
    """SHA-256 hex of one line '<name> <sha256 hex>\\n' per file, sorted by name (docs/codec-pack.md)."""
    text = "".join(f"{name} {files[name]}\n" for name in sorted(files))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _manifest(folder, fmt, versions=(1,)):
    path = os.path.join(folder, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        raise InvalidPack(f"{path}: {e}") from None
    if not isinstance(m, dict) or m.get("format") != fmt or m.get("format_version") not in versions:
        raise InvalidPack(f"{path}: not a {fmt} of format_version {' or '.join(map(str, versions))}")
    files = m.get("files")
    if not isinstance(files, dict) or not files:
        raise InvalidPack(f"{path}: no files")
    for name, digest in files.items():
        if not isinstance(digest, str) or not _HEX64.match(digest) or "/" in name or "\\" in name:
            raise InvalidPack(f"{path}: bad entry for {name!r}")
        actual = sha256_file_or_none(os.path.join(folder, name))
        if actual is None:
            raise InvalidPack(f"{name}: missing from {folder}")
        if actual != digest:
            raise InvalidPack(f"{name}: SHA-256 {actual} does not match the manifest")
    return m


def sha256_file_or_none(path):
    return sha256_file(path) if os.path.isfile(path) else None


@dataclass
class CodecPack:
    path: str
    manifest: dict
    codec_id: str              # 64 lowercase hex
    net: IntHyperNet
    tables: EntropyTables
    gains: Gains = None        # version 2 (variable-rate) packs only

    @property
    def codec_id_bytes(self):
        return bytes.fromhex(self.codec_id)

    @property
    def rate_indexes(self):
        return {r["index"] for r in self.manifest["rates"]}

    @property
    def default_rate(self):
        return self.manifest.get("default_rate", 0)

    def adaptor_input(self, y_hat, rate_index):
        """y_dec of docs/bitstream.md step 5: y_hat * inv_gain[r] per channel (float32), or y_hat (v1)."""
        if self.gains is None:
            return y_hat
        return (y_hat.astype(np.float32) * self.gains.inv_gain[rate_index][:, None, None]).astype(np.float32)


def load_codec_pack(folder):
    m = _manifest(folder, CODEC_FORMAT, versions=(1, 2))
    version = m["format_version"]
    files = m["files"]
    for name in CODEC_FILES if version == 1 else CODEC_FILES_V2:
        if name not in files:
            raise InvalidPack(f"{name}: not listed in manifest.json")
    cid = codec_id(files)
    if m.get("codec_id") != cid:
        raise InvalidPack(f"manifest.json: codec_id {m.get('codec_id')} but the files give {cid}")
    rates = m.get("rates")
    indexes = [r.get("index") for r in rates if isinstance(r, dict)] if isinstance(rates, list) else None
    net = IntHyperNet.read(os.path.join(folder, "hyper_synthesis.bin"))
    tables = EntropyTables.read(os.path.join(folder, "entropy_tables.bin"))
    if len(tables.z) != net.N:
        raise InvalidPack(f"entropy_tables.bin: {len(tables.z)} z tables for N = {net.N}")
    gains = None
    if version == 1:
        if indexes != [0]:
            raise InvalidPack("manifest.json: version 1 packs hold exactly one rate, index 0")
    else:
        gains = Gains.read(os.path.join(folder, "gains.bin"))
        if gains.M != net.M:
            raise InvalidPack(f"gains.bin: {gains.M} channels for M = {net.M}")
        if indexes != list(range(gains.rates)):
            raise InvalidPack(f"manifest.json: rates must list indexes 0..{gains.rates - 1} in order")
        default = m.get("default_rate")
        if not isinstance(default, int) or isinstance(default, bool) or not 0 <= default < gains.rates:
            raise InvalidPack("manifest.json: default_rate must be a listed rate index")
        if not isinstance((m.get("encoder") or {}).get("gain"), str):
            raise InvalidPack("manifest.json: encoder.gain (the gain input's name) is required")
    return CodecPack(os.path.abspath(folder), m, cid, net, tables, gains)


@dataclass
class AdaptorPack:
    path: str
    manifest: dict

    @property
    def graph_path(self):
        g = self.manifest.get("graph") if self.manifest["format_version"] == 2 else None
        return os.path.join(self.path, g["file"] if g else "synthesis.onnx")

    @property
    def synthesis_path(self):
        return self.graph_path


def load_adaptor_pack(folder, codec_ids=None):
    """Verify an adaptor pack (format_version 1: image; 2: image, detection, segmentation with labels,
    post-processing and a self-test); codec_ids (iterable of hex ids), when given, must contain its codec id."""
    import onnx
    m = _manifest(folder, ADAPTOR_FORMAT, versions=(1, 2))
    v2 = m["format_version"] == 2
    if not isinstance(m.get("name"), str) or not _NAME.match(m["name"]):
        raise InvalidPack(f"manifest.json: bad name {m.get('name')!r}")
    if not isinstance(m.get("version"), int) or isinstance(m["version"], bool) or m["version"] < 1:
        raise InvalidPack("manifest.json: version must be an integer >= 1")
    if m.get("task") not in (("image", "detection", "segmentation") if v2 else ("image",)):
        raise InvalidPack(f"manifest.json: unknown task {m.get('task')!r}")
    cid = m.get("codec_id")
    if not isinstance(cid, str) or not _HEX64.match(cid):
        raise InvalidPack("manifest.json: bad codec_id")
    if codec_ids is not None and cid not in set(codec_ids):
        raise InvalidPack(f"manifest.json: codec {cid} is not loaded")
    syn = (m.get("graph") if v2 else m.get("synthesis")) or {}
    file = syn.get("file") if v2 else "synthesis.onnx"
    if file not in m["files"]:
        raise InvalidPack(f"{file}: not listed in manifest.json")
    graph = onnx.load(os.path.join(folder, file)).graph
    if syn.get("input") not in [i.name for i in graph.input] or \
            syn.get("output") not in [o.name for o in graph.output]:
        raise InvalidPack(f"{file}: input/output names of the manifest not in the graph")
    if v2 and m["task"] != "image":
        labels = m.get("labels")
        if isinstance(labels, dict):
            if labels.get("file") not in m["files"]:
                raise InvalidPack("manifest.json: labels.file is not listed in files")
            with open(os.path.join(folder, labels["file"]), encoding="utf-8") as f:
                labels = [line.rstrip("\n") for line in f if line.strip()]
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x for x in labels):
            raise InvalidPack("manifest.json: labels must be a non-empty list of names or {\"file\": ...}")
        if not isinstance(m.get("postprocess"), dict):
            raise InvalidPack("manifest.json: postprocess is required")
    st = m.get("selftest")
    if st is not None:
        for key in ("input", "expected"):
            if st.get(key) not in m["files"]:
                raise InvalidPack(f"manifest.json: selftest.{key} is not listed in files")
        shape = st.get("shape")
        size = os.path.getsize(os.path.join(folder, st["input"]))
        if not isinstance(shape, list) or len(shape) != 4 or size != 4 * int(np.prod(shape)):
            raise InvalidPack("manifest.json: selftest.shape does not match the input file")
        w, h = st.get("width"), st.get("height")
        if not isinstance(w, int) or not isinstance(h, int) or w < 1 or h < 1 or \
                shape[3] != 4 * -(-w // 64) or shape[2] != 4 * -(-h // 64):
            raise InvalidPack("manifest.json: selftest width/height do not fit its shape (docs/bitstream.md)")
    return AdaptorPack(os.path.abspath(folder), m)
