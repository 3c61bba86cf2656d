"""Shrink training checkpoints for the repository: float tensors in fp16, no optimizer or RNG state.

    python3 -m lic.adapt.slim checkpoints/shared-adaptor-vr-c.pt [more.pt ...]   # in place

The repository keeps fp16 weights (the developers' guide), and its whole working tree travels to a GPU
machine when one is lent (64 MiB at most): an Adam run's optimizer state is twice its weights (2.4 of
the 3.7 MB of a joint S/T checkpoint). Everything that reads a committed checkpoint (export, evaluation,
probes, `init=`) reads weights only and loads fp16 into its fp32 modules. What a slim checkpoint cannot
do is resume exactly: lic.adapt.joint and lic.adapt.train continue from one with a fresh optimizer and
fresh random streams (a warm restart, which they print); `slim: true` marks such a checkpoint.
"""
import argparse
import os

import torch

from .train import atomic_save

# Resume-only state: what an exact resume needs and nothing else reads.
RESUME_KEYS = ("optimizer", "rng", "torch_rng", "sampler_rng", "samplers_rng")


def _half(value):
    if torch.is_tensor(value):
        return value.half() if value.is_floating_point() else value
    if isinstance(value, dict):
        return {k: _half(v) for k, v in value.items()}
    return value


def slim(checkpoint):
    """A copy of `checkpoint` (a dict) without RESUME_KEYS, its float tensors in fp16, marked slim."""
    out = {k: _half(v) for k, v in checkpoint.items() if k not in RESUME_KEYS}
    out["slim"] = True
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.slim", description=__doc__.split("\n")[0])
    p.add_argument("checkpoints", nargs="+")
    args = p.parse_args(argv)
    for path in args.checkpoints:
        before = os.path.getsize(path)
        atomic_save(slim(torch.load(path, map_location="cpu")), path)
        print(f"{path}: {before:,} -> {os.path.getsize(path):,} bytes")


if __name__ == "__main__":
    main()
