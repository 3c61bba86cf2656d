"""gains.bin of a version 2 (variable-rate) codec pack (docs/codec-pack.md): per-rate gain vectors.

The encoder scales the analysis output by gain[r] (an input of encoder.onnx); the decoder multiplies
y_hat by inv_gain[r] (one float32 product per element) before the adaptor.
"""
import struct
from dataclasses import dataclass

import numpy as np

from .errors import InvalidPack

MAGIC = b"LICG"
VERSION = 1
MAX_RATES = 64
MIN_VALUE, MAX_VALUE = 2.0 ** -16, 2.0 ** 16


@dataclass
class Gains:
    gain: np.ndarray        # float32 [R, M]
    inv_gain: np.ndarray    # float32 [R, M]

    @property
    def rates(self):
        return self.gain.shape[0]

    @property
    def M(self):
        return self.gain.shape[1]

    def validate(self):
        if self.gain.ndim != 2 or self.gain.shape != self.inv_gain.shape:
            raise InvalidPack("gains.bin: gain and inverse gain must both be [R, M]")
        if not 1 <= self.rates <= MAX_RATES or self.M < 1:
            raise InvalidPack(f"gains.bin: {self.rates} rates (1..{MAX_RATES}), {self.M} channels")
        for name, a in (("gain", self.gain), ("inverse gain", self.inv_gain)):
            if not np.all(np.isfinite(a)) or np.any(a < MIN_VALUE) or np.any(a > MAX_VALUE):
                raise InvalidPack(f"gains.bin: a {name} is not finite or outside [2^-16, 2^16]")
        return self

    def to_bytes(self):
        self.validate()
        return (MAGIC + struct.pack("<III", VERSION, self.rates, self.M)
                + np.ascontiguousarray(self.gain, dtype="<f4").tobytes()
                + np.ascontiguousarray(self.inv_gain, dtype="<f4").tobytes())

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    @staticmethod
    def from_bytes(data):
        if len(data) < 16 or data[:4] != MAGIC:
            raise InvalidPack("gains.bin: bad magic or too short")
        version, r, m = struct.unpack_from("<III", data, 4)
        if version != VERSION:
            raise InvalidPack(f"gains.bin: version {version} (expected {VERSION})")
        if not 1 <= r <= MAX_RATES or m < 1:
            raise InvalidPack(f"gains.bin: {r} rates (1..{MAX_RATES}), {m} channels")
        if len(data) != 16 + 8 * r * m:
            raise InvalidPack(f"gains.bin: {len(data)} bytes, expected {16 + 8 * r * m}")
        values = np.frombuffer(data, dtype="<f4", offset=16).astype(np.float32)
        return Gains(values[:r * m].reshape(r, m).copy(), values[r * m:].reshape(r, m).copy()).validate()

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return Gains.from_bytes(f.read())
