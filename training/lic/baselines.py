"""Conventional codecs measured with their command-line tools (real files, real bytes).

    JPEG  cjpeg -quality Q -optimize   / djpeg -ppm         (libjpeg-turbo-progs; default 4:2:0)
    WebP  cwebp -m 6 -q Q              / dwebp -ppm         (webp; lossy WebP is always 4:2:0)
    AVIF  avifenc -c aom -s 6 -y 444 --min Q --max Q -a end-usage=q -a cq-level=Q / avifdec
          (libavif-bin; Q is the AV1 quantizer 0-63, lower is better; 8-bit, full range, 4:4:4)

Install on Debian: `apt-get install -y libjpeg-turbo-progs webp libavif-bin`. A codec whose tools are
missing is reported by `missing_tools` and skipped by the caller; nothing here crashes on a missing tool
until it is asked to encode.
"""
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

DEFAULT_QUALITIES = {
    # chosen to cover ~0.05-1.0 bpp on Kodak (JPEG cannot go much below ~0.15 bpp)
    "jpeg": [1, 3, 5, 8, 12, 18, 25, 35, 50, 65, 75, 85],
    "webp": [0, 3, 8, 15, 25, 35, 50, 65, 75, 85, 92],
    "avif": [62, 58, 54, 50, 46, 42, 38, 34, 30, 26, 22],
}


@dataclass
class Codec:
    name: str
    tools: tuple
    version_cmd: list
    param_name: str
    notes: str = ""
    qualities: list = field(default_factory=list)

    def missing_tools(self):
        return [t for t in self.tools if shutil.which(t) is None]

    def version(self):
        if self.missing_tools():
            return None
        try:
            out = subprocess.run(self.version_cmd, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return parse_version(self.name, out.stdout + out.stderr)

    def commands(self, src_png, src_ppm, coded, decoded, q):
        """(encode argv, decode argv) for quality q."""
        if self.name == "jpeg":
            return (["cjpeg", "-quality", str(q), "-optimize", "-outfile", coded, src_ppm],
                    ["djpeg", "-ppm", "-outfile", decoded, coded])
        if self.name == "webp":
            return (["cwebp", "-quiet", "-m", "6", "-q", str(q), src_png, "-o", coded],
                    ["dwebp", "-quiet", coded, "-ppm", "-o", decoded])
        if self.name == "avif":
            return (["avifenc", "-c", "aom", "-s", "6", "-j", "1", "-y", "444", "-d", "8",
                     "--min", str(q), "--max", str(q), "-a", "end-usage=q", "-a", f"cq-level={q}",
                     src_png, coded],
                    ["avifdec", coded, decoded])
        raise ValueError(self.name)

    @property
    def coded_ext(self):
        return {"jpeg": ".jpg", "webp": ".webp", "avif": ".avif"}[self.name]

    @property
    def decoded_ext(self):
        return ".png" if self.name == "avif" else ".ppm"


CODECS = {
    "jpeg": Codec("jpeg", ("cjpeg", "djpeg"), ["cjpeg", "-version"], "quality",
                  "libjpeg-turbo cjpeg -quality Q -optimize (4:2:0), djpeg -ppm"),
    "webp": Codec("webp", ("cwebp", "dwebp"), ["cwebp", "-version"], "q",
                  "cwebp -m 6 -q Q, dwebp -ppm"),
    "avif": Codec("avif", ("avifenc", "avifdec"), ["avifenc", "--version"], "quantizer",
                  "avifenc -c aom -s 6 -y 444 -d 8 --min Q --max Q (end-usage=q, cq-level=Q), avifdec"),
}


_VERSION_PATTERNS = {
    "jpeg": re.compile(r"libjpeg-turbo version\s+([0-9][0-9.]*)"),
    "webp": re.compile(r"^\s*([0-9]+\.[0-9]+(?:\.[0-9]+)?)\s*$", re.M),
    "avif": re.compile(r"Version:\s*([0-9][0-9.]*)"),
}
_AOM = re.compile(r"aom \[[a-z/]+\]:\s*(v?[0-9][0-9.]*)")


def parse_version(codec, text):
    """Version string out of a tool's version output, e.g. 'libjpeg-turbo 2.1.5', 'libwebp 1.2.4',
    'libavif 0.11.1 (aom v3.6.0)'; None when it is not recognised."""
    m = _VERSION_PATTERNS[codec].search(text or "")
    if not m:
        return None
    if codec == "jpeg":
        return f"libjpeg-turbo {m.group(1)}"
    if codec == "webp":
        return f"libwebp {m.group(1)}"
    aom = _AOM.search(text)
    return f"libavif {m.group(1)}" + (f" (aom {aom.group(1)})" if aom else "")


def read_ppm(path):
    """Binary PPM (P6, maxval 255) -> uint8 [H, W, 3]. Strict: a truncated or 16-bit file raises."""
    with open(path, "rb") as f:
        data = f.read()
    tokens, pos = [], 0
    while len(tokens) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            while pos < len(data) and data[pos:pos + 1] not in (b"\n", b"\r"):
                pos += 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace() and data[pos:pos + 1] != b"#":
            pos += 1
        if start == pos:
            raise ValueError(f"{path}: truncated PPM header")
        tokens.append(data[start:pos])
    if tokens[0] != b"P6":
        raise ValueError(f"{path}: not a binary PPM (P6)")
    w, h, maxval = (int(t) for t in tokens[1:])
    if maxval != 255:
        raise ValueError(f"{path}: maxval {maxval}, expected 255")
    pos += 1                                      # exactly one whitespace byte after maxval
    need = w * h * 3
    if len(data) - pos < need:
        raise ValueError(f"{path}: truncated PPM data")
    return np.frombuffer(data, dtype=np.uint8, count=need, offset=pos).reshape(h, w, 3).copy()


def read_decoded(path):
    if path.endswith(".ppm"):
        return read_ppm(path)
    with Image.open(path) as im:
        if im.mode not in ("RGB", "RGBA"):
            raise ValueError(f"{path}: decoded mode {im.mode}, expected 8-bit RGB")
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def run_point(codec, image_png, image_ppm, q, workdir):
    """Encode + decode one image at quality q -> (file bytes, decoded uint8 [H, W, 3])."""
    stem = os.path.join(workdir, f"{os.path.splitext(os.path.basename(image_png))[0]}-{codec.name}-{q}")
    coded, decoded = stem + codec.coded_ext, stem + codec.decoded_ext
    enc, dec = codec.commands(image_png, image_ppm, coded, decoded, q)
    for argv in (enc, dec):
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {(r.stderr or r.stdout).strip()[-500:]}")
    size = os.path.getsize(coded)
    out = read_decoded(decoded)
    for p in (coded, decoded):
        os.remove(p)
    return size, out
