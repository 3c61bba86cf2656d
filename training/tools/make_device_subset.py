"""Copy a subset of the training photos into an ignored folder small enough to travel with a device
call (the working tree that travels is limited to 64 MiB in all, repository included).

    cd training && /usr/bin/python3 tools/make_device_subset.py            # -> ../.device-data/photos, < 38 MB

Photos are taken in a seeded random order (all sources mixed) and copied byte for byte until the budget
is reached, so nothing is re-compressed; with --quality Q they are re-encoded as JPEG Q 4:4:4 instead
(smaller, at the cost of another generation of compression noise). --max-side down-scales (bicubic)
photos whose longer side is larger. The output folder is emptied first; a manifest (subset.json) lists
the files, their SHA-256 and the settings.
"""
import argparse
import hashlib
import io
import json
import os
import random
import shutil
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_SRC = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "photos"))
DEFAULT_DST = os.path.join(REPO, ".device-data", "photos")
EXTS = (".jpg", ".jpeg", ".png")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--dst", default=DEFAULT_DST)
    ap.add_argument("--budget-mb", type=float, default=38.0, help="total size of the subset, MB (10^6 bytes)")
    ap.add_argument("--count", type=int, default=0, help="at most this many photos (0 = as many as fit)")
    ap.add_argument("--min-side", type=int, default=256, help="skip photos whose shorter side is smaller")
    ap.add_argument("--max-side", type=int, default=0, help="down-scale photos with a longer side above this")
    ap.add_argument("--quality", type=int, default=0, help="re-encode as JPEG of this quality (0 = copy)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    names = sorted(n for n in os.listdir(args.src) if n.lower().endswith(EXTS))
    random.Random(args.seed).shuffle(names)
    budget = int(args.budget_mb * 1e6)
    if os.path.isdir(args.dst):
        shutil.rmtree(args.dst)
    os.makedirs(args.dst)
    total, kept, skipped_small = 0, [], 0
    for n in names:
        src = os.path.join(args.src, n)
        with Image.open(src) as im:
            w, h = im.size
            if min(w, h) < args.min_side:
                skipped_small += 1
                continue
            reencode = args.quality or (args.max_side and max(w, h) > args.max_side)
            if reencode:
                im = im.convert("RGB")
                if args.max_side and max(w, h) > args.max_side:
                    s = args.max_side / max(w, h)
                    im = im.resize((round(w * s), round(h * s)), Image.BICUBIC)
                buf = io.BytesIO()
                im.save(buf, "JPEG", quality=args.quality or 92, subsampling=0)
                data = buf.getvalue()
                out_name = os.path.splitext(n)[0] + ".jpg"
        if not reencode:
            with open(src, "rb") as f:
                data = f.read()
            out_name = n
        if total + len(data) > budget:
            continue                       # a smaller photo later may still fit
        with open(os.path.join(args.dst, out_name), "wb") as f:
            f.write(data)
        total += len(data)
        kept.append({"file": out_name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        if args.count and len(kept) >= args.count:
            break
    manifest = {"src": os.path.abspath(args.src), "seed": args.seed, "quality": args.quality,
                "max_side": args.max_side, "min_side": args.min_side, "photos": len(kept),
                "bytes": total, "of_available": len(names), "skipped_small": skipped_small,
                "files": sorted(kept, key=lambda k: k["file"])}
    with open(os.path.join(os.path.dirname(os.path.abspath(args.dst)), "subset.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"{len(kept)} of {len(names)} photos, {total / 1e6:.1f} MB -> {args.dst}")
    return 0 if kept else 1


if __name__ == "__main__":
    sys.exit(main())
