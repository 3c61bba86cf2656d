"""The adaptor block's spectral branch in its exported graph, written node by node.

Why by hand: traced from torch, the branch's four-step transforms came to ~380 nodes per block after ONNX
Runtime's own folding (shape arithmetic, DFT matrices built from Range/Cos/Sin, four interpolation
matrices), and ONNX Runtime's session creation grows faster than linearly with a graph's nodes: a
detection pack took ~1 s to load. `SpectralOnnx.symbolic` emits the same computation with everything that
does not depend on the image size computed once, here:
- the DFT matrix of a power-of-two length n <= 256 is a strided slice of one 256-point table: row a * s of
  the 256-point matrix (s = 256 / n) is row a of the n-point one;
- twiddles are gathered from one 2^15-point table;
- every number that depends on a transform's length L (its factors, slice bounds and steps, 1 / L) is one
  Gather from a table indexed by log2(L);
- the mask's Hermitian part (M(f) + conj M(-f)) / 2 is the interpolation of one constant grid,
  `SpectralMask.hermitian_grid`, and the periodic bilinear interpolation weights are a hat function of the
  distance to the grid cells: one interpolation matrix per axis.

The transforms (`SpectralMask.forward` says what they compute): zero-pad the width to Lw, a real four-step
DFT along the width that keeps the rows k1 <= L1 / 2 of its four-step layout (one of each conjugate pair),
zero-pad the height to Lh, a complex four-step DFT along the height, the mask, and back, then crop. A
four-step DFT of length L = L1 * L2 is a product with the L1-point matrix, a twiddle product and a product
with the L2-point matrix: L1 + L2 multiply-adds per value instead of L, in MatMuls. Frequencies stay in
four-step order (position k1 * L2 + k2 holds frequency k1 + L1 * k2), where the mask is evaluated, so no
permutation is ever materialised. Complex values are (real, imaginary) pairs of real tensors.
`tests/test_adapt.py` runs the emitted graph through the importer against the eager branch at many sizes;
the Java registry's self-test runs it in ONNX Runtime.
"""
import math
import warnings

import numpy as np
import torch

KMAX = 256          # the largest factor L1, L2 of a transform length
EMAX = 15           # lengths up to 2^15: half of a 65,535-pixel side (the bitstream's limit) padded to 64
TMAX = 1 << EMAX


def _split(e):
    """L1, L2 of the length 2^e (L1 = 2^floor(e / 2) <= L2)."""
    l1 = 1 << (e // 2)
    return l1, (1 << e) // l1


def _axis_tables(half, k):
    """Per exponent e (L = 2^e): what one axis's transforms need. half: real input (rows k1 <= L1 / 2)."""
    t = {name: [] for name in ("L", "l1", "l2", "rows", "f1_ends", "f1_steps", "f2_ends", "f2_steps",
                               "f1t_ends", "f1t_steps", "tstep", "k_over_l", "inv_l", "weight")}
    for e in range(EMAX + 1):
        length = 1 << e
        l1, l2 = _split(e)
        rows = l1 // 2 + 1 if half else l1
        s1, s2 = KMAX // l1, KMAX // l2
        for name, v in (("L", [length]), ("l1", [l1]), ("l2", [l2]), ("rows", [rows]),
                        ("f1_ends", [rows * s1, l1]), ("f1_steps", [s1, 1]),
                        ("f2_ends", [l2 * s2, l2]), ("f2_steps", [s2, 1]),
                        ("f1t_ends", [l1, rows * s1]), ("f1t_steps", [1, s1]), ("tstep", [TMAX // length]),
                        ("k_over_l", [k / length]), ("inv_l", [1.0 / length])):
            t[name].append(v)
        # the inverse of a half spectrum counts each kept row but k1 = 0 and k1 = L1 / 2 twice (its conjugate
        # is not kept), scaled by 1 / L; zero beyond the kept rows
        w = np.zeros((KMAX // 2 + 1, 1))
        for k1 in range(rows):
            w[k1] = (1.0 if k1 == 0 or 2 * k1 == l1 else 2.0) / length
        t["weight"].append(w)
    out = {}
    for name, rows_ in t.items():
        dtype = np.float32 if name in ("k_over_l", "inv_l", "weight") else np.int64
        out[name] = np.array(rows_, dtype=dtype)
    return out


def _dft_table():
    """[2, KMAX, KMAX]: cos and sin of -2 pi (a * b mod KMAX) / KMAX (symmetric in a, b)."""
    a = np.arange(KMAX)
    angle = -2 * np.pi * (np.outer(a, a) % KMAX) / KMAX
    return np.stack([np.cos(angle), np.sin(angle)]).astype(np.float32)


def _twiddle_table():
    """[2, TMAX]: cos and sin of -2 pi j / TMAX."""
    angle = -2 * np.pi * np.arange(TMAX) / TMAX
    return np.stack([np.cos(angle), np.sin(angle)]).astype(np.float32)


class _Emitter:
    """torch's ONNX graph builder with constants and the recurring complex products."""

    def __init__(self, g):
        self.op = g.op

    def const(self, array):
        return self.op("Constant", value_t=torch.from_numpy(np.array(array)))      # a copy; 0-d stays 0-d

    def ints(self, *values):
        return self.const(np.array(values, dtype=np.int64))

    def split(self, x):
        """A [2, ...] stack (cos/sin, real/imaginary) into its two [1, ...] halves."""
        return self.op("Split", x, self.ints(1, 1), axis_i=0, outputs=2)

    def cmul(self, ar, ai, br, bi, conj_b=False):
        """(ar + i ai) * (br + i bi), or times conj(b)."""
        m = lambda p, q: self.op("Mul", p, q)
        if conj_b:
            return self.op("Add", m(ar, br), m(ai, bi)), self.op("Sub", m(ai, br), m(ar, bi))
        return self.op("Sub", m(ar, br), m(ai, bi)), self.op("Add", m(ar, bi), m(ai, br))

    def cmatmul(self, ar, ai, br, bi, conj_a=False, conj_b=False):
        """(ar + i ai) @ (br + i bi), or with one side conjugated."""
        m = lambda p, q: self.op("MatMul", p, q)
        if conj_a:
            return self.op("Add", m(ar, br), m(ai, bi)), self.op("Sub", m(ar, bi), m(ai, br))
        if conj_b:
            return self.op("Add", m(ar, br), m(ai, bi)), self.op("Sub", m(ai, br), m(ar, bi))
        return self.op("Sub", m(ar, br), m(ai, bi)), self.op("Add", m(ar, bi), m(ai, br))


class _Axis:
    """One axis's transform matrices and frequency positions, for its length n (a 0-d int64 value)."""

    def __init__(self, em, n, half, k, dft, twiddles):
        op = em.op
        log2 = op("Mul", op("Log", op("Cast", n, to_i=1)), em.const(np.float32(1 / math.log(2))))
        # -1e-5: the float log2 of an exact power of two may land a few ulps above the integer
        e = op("Cast", op("Ceil", op("Sub", log2, em.const(np.float32(1e-5)))), to_i=7)
        tables = _axis_tables(half, k)
        get = lambda name: op("Gather", em.const(tables[name]), e, axis_i=0)
        self.n1 = op("Reshape", n, em.ints(1))
        self.length, self.l1, self.l2 = get("L"), get("l1"), get("l2")
        self.rows = rows = get("rows") if half else self.l1
        starts, axes = em.ints(0, 0), em.ints(1, 2)
        # [2 (cos, sin), rows, L1] and [2, L2, L2]: rows of the DFT matrices, strided slices of the table
        self.f1 = op("Slice", dft, starts, get("f1_ends"), axes, get("f1_steps"))
        self.f2 = op("Slice", dft, starts, get("f2_ends"), axes, get("f2_steps"))
        if half:
            self.f1t = op("Slice", dft, starts, get("f1t_ends"), axes, get("f1t_steps"))   # [2, L1, rows]
            self.weight = op("Slice", get("weight"), em.ints(0), rows, em.ints(0))          # [rows, 1]
        k1 = op("Slice", em.const(np.arange(KMAX, dtype=np.int64)[:, None]), em.ints(0), rows, em.ints(0))
        n2 = op("Slice", em.const(np.arange(KMAX, dtype=np.int64)[None, :]), em.ints(0), self.l2, em.ints(1))
        self.em, self.twiddles = em, twiddles
        self.twiddle_index = op("Mul", op("Mul", k1, n2), get("tstep"))                    # [rows, L2]
        # the four-step frequencies k1 + L1 * n2 of each position, as positions on the mask grid
        freqs = op("Add", k1, op("Mul", n2, self.l1))
        self.pos = op("Mul", op("Cast", freqs, to_i=1), get("k_over_l"))                   # [rows, L2]
        self.inv_l = get("inv_l")

    def twiddle(self, trailing=False):
        """(cos, sin) [1, rows, L2] (or [1, rows, L2, 1] for a transform over the second-last axis)."""
        index = self.twiddle_index
        if trailing:
            index = self.em.op("Unsqueeze", index, self.em.ints(2))
        return self.em.split(self.em.op("Gather", self.twiddles, index, axis_i=1))


def _hat(em, d, k):
    """Periodic bilinear interpolation weight at distance d from a grid cell: max(0, 1 - min(|d|, k - |d|))."""
    op = em.op
    a = op("Abs", d)
    a = op("Min", a, op("Sub", em.const(np.float32(k)), a))
    return op("Relu", op("Sub", em.const(np.float32(1)), a))


def emit(g, x, hgrid, h, w, channels, k):
    """The branch's output [N, C, h, w] for x [N, C, h, w]; hgrid: the Hermitian grid [2, C, k, k].

    Real and imaginary parts stay separate tensors: a stacked [2, ...] one would be copied by every Split
    and Concat, and at 4096² an image-sized spectrum is ~0.5 GB."""
    em = _Emitter(g)
    op = em.op
    dft, twiddles = em.const(_dft_table()), em.const(_twiddle_table())
    ax_w = _Axis(em, w, True, k, dft, twiddles)
    ax_h = _Axis(em, h, False, k, dft, twiddles)

    # width: zero-pad, real four-step DFT keeping half the rows -> [N, C, h, rows, L2w] (real, imaginary)
    x = op("Pad", x, op("Concat", em.ints(0, 0, 0, 0, 0, 0, 0), op("Sub", ax_w.length, ax_w.n1), axis_i=0))
    x = op("Reshape", x, op("Concat", em.ints(0, 0, 0), ax_w.l1, em.ints(-1), axis_i=0))  # [N, C, h, L1, L2]
    c1w, s1w = em.split(ax_w.f1)
    br, bi = op("MatMul", c1w, x), op("MatMul", s1w, x)
    tw_c, tw_s = ax_w.twiddle()
    br, bi = em.cmul(br, bi, tw_c, tw_s)
    c2w, s2w = em.split(ax_w.f2)
    zr, zi = em.cmatmul(br, bi, c2w, s2w)

    # height: zero-pad, complex four-step DFT by left products over [N, C, L1h, L2h * P], P = rows * L2w
    pad_h = op("Concat", em.ints(*[0] * 7), op("Sub", ax_h.length, ax_h.n1), em.ints(0, 0), axis_i=0)
    four = op("Concat", em.ints(0, 0), ax_h.l1, em.ints(-1), axis_i=0)
    zr, zi = (op("Reshape", op("Pad", t, pad_h), four) for t in (zr, zi))
    c1h, s1h = em.split(ax_h.f1)
    br, bi = em.cmatmul(c1h, s1h, zr, zi)
    five = op("Concat", em.ints(0, 0, 0), ax_h.l2, em.ints(-1), axis_i=0)               # [N, C, L1h, L2h, P]
    br, bi = op("Reshape", br, five), op("Reshape", bi, five)
    th_c, th_s = ax_h.twiddle(trailing=True)
    br, bi = em.cmul(br, bi, th_c, th_s)
    c2h, s2h = em.split(ax_h.f2)
    sr, si = em.cmatmul(c2h, s2h, br, bi)

    # the mask at the four-step frequencies of both axes, scaled for the inverse transforms
    cells = np.arange(k, dtype=np.float32)
    ph = _hat(em, op("Sub", op("Unsqueeze", ax_h.pos, em.ints(2)), em.const(cells)), k)        # [L1h, L2h, k]
    ph = op("Reshape", op("Mul", ph, ax_h.inv_l), em.ints(-1, k))
    pw = _hat(em, op("Sub", op("Unsqueeze", ax_w.pos, em.ints(0)), em.const(cells[:, None, None])), k)
    pw = op("Reshape", op("Mul", pw, ax_w.weight), em.ints(k, -1))                             # [k, rows * L2w]
    shape = op("Concat", em.ints(channels), ax_h.l1, ax_h.l2, em.ints(-1), axis_i=0)           # [C, L1h, L2h, Fw]
    mr, mi = (op("Reshape", op("MatMul", part, pw), shape) for part in em.split(op("MatMul", ph, hgrid)))
    sr, si = em.cmul(sr, si, mr, mi)

    # back along the height (conjugate matrices, natural order out), crop to h
    br, bi = em.cmatmul(c2h, s2h, sr, si, conj_a=True)
    br, bi = em.cmul(br, bi, th_c, th_s, conj_b=True)
    four = em.ints(0, 0, 0, -1)
    br, bi = op("Reshape", br, four), op("Reshape", bi, four)
    zr, zi = em.cmatmul(c1h, s1h, br, bi, conj_a=True)
    five = op("Concat", em.ints(0, 0), ax_h.length, ax_w.rows, em.ints(-1), axis_i=0)   # [N, C, Lh, rows, L2w]
    zr, zi = (op("Slice", op("Reshape", t, five), em.ints(0), ax_h.n1, em.ints(2)) for t in (zr, zi))

    # back along the width: conj F2, conj twiddles, then the real part of conj F1^T (the weights are in
    # the mask), crop to w
    zr, zi = em.cmatmul(zr, zi, c2w, s2w, conj_b=True)
    zr, zi = em.cmul(zr, zi, tw_c, tw_s, conj_b=True)
    c1t, s1t = em.split(ax_w.f1t)
    out = op("Add", op("MatMul", c1t, zr), op("MatMul", s1t, zi))                       # [N, C, h, L1w, L2w]
    out = op("Reshape", out, em.ints(0, 0, 0, -1))
    return op("Slice", out, em.ints(0), ax_w.n1, em.ints(3))


class SpectralOnnx(torch.autograd.Function):
    """Export only. apply(x, hgrid, h, w, eager, k): forward computes the branch as eager(x, hgrid) (the
    output tracing records; the grid is passed, as tracing knows only the Function's inputs), symbolic emits
    its graph (k: the grid's size)."""

    @staticmethod
    def forward(ctx, x, hgrid, h, w, eager, k):
        return eager(x, hgrid)

    @staticmethod
    def symbolic(g, x, hgrid, h, w, eager, k):
        with warnings.catch_warnings():      # torch 1.13 flags every g.op of a Graph (not a GraphContext)
            warnings.simplefilter("ignore", FutureWarning)
            return emit(g, x, hgrid, h, w, hgrid.type().sizes()[1], k)
