"""Seeded BERT weights (HF names and shapes), magnitude pruning, int8 weight quantization, TuneRange."""

import numpy as np


def encoder_linear_names(layers):
    names = []
    for i in range(layers):
        p = f"bert.encoder.layer.{i}."
        names += [p + "attention.self.query", p + "attention.self.key", p + "attention.self.value",
                  p + "attention.output.dense", p + "intermediate.dense", p + "output.dense"]
    return names


def make_weights(cfg, seed):
    """Float32 weights keyed by HF parameter names, drawn from numpy PCG64(seed) in a fixed order.

    Scales are chosen so that activations stay O(1) through the network (std 1/sqrt(fan_in) for Linear
    weights) and the logits have useful gaps; HF's 0.02 init would give near-zero logits.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    H, F = cfg["hidden"], cfg["ffn"]

    def normal(shape, std, mean=0.0):
        return (rng.standard_normal(shape, dtype=np.float32) * np.float32(std) + np.float32(mean))

    w = {}
    w["bert.embeddings.word_embeddings.weight"] = normal((cfg["vocab"], H), 0.5)
    w["bert.embeddings.position_embeddings.weight"] = normal((cfg["max_pos"], H), 0.5)
    w["bert.embeddings.token_type_embeddings.weight"] = normal((cfg["type_vocab"], H), 0.5)

    def ln(prefix):
        w[prefix + ".weight"] = normal((H,), 0.1, 1.0)
        w[prefix + ".bias"] = normal((H,), 0.1)

    def linear(prefix, out_f, in_f, gain=1.0):
        w[prefix + ".weight"] = normal((out_f, in_f), gain / np.sqrt(in_f))
        w[prefix + ".bias"] = normal((out_f,), 0.1)

    ln("bert.embeddings.LayerNorm")
    for i in range(cfg["layers"]):
        p = f"bert.encoder.layer.{i}."
        linear(p + "attention.self.query", H, H)
        linear(p + "attention.self.key", H, H)
        linear(p + "attention.self.value", H, H)
        linear(p + "attention.output.dense", H, H)
        ln(p + "attention.output.LayerNorm")
        linear(p + "intermediate.dense", F, H)
        linear(p + "output.dense", H, F)
        ln(p + "output.LayerNorm")
    linear("bert.pooler.dense", H, H, gain=2.0)
    linear("classifier", cfg["labels"], H, gain=3.0)
    return w


def prune_magnitude(wt, rate):
    """Zeroes exactly round(rate*n) entries, smallest |w| first; ties broken by flat index (stable sort)."""
    n = wt.size
    k = int(round(rate * n))
    if k == 0:
        return wt.copy(), 0
    flat = wt.ravel().copy()
    mag = np.abs(flat)
    # same result as zeroing argsort(mag, kind="stable")[:k], in linear time
    thr = np.partition(mag, k - 1)[k - 1]
    below = mag < thr
    tied = np.flatnonzero(mag == thr)[: k - int(below.sum())]
    flat[below] = 0.0
    flat[tied] = 0.0
    return flat.reshape(wt.shape), k


def prune_blocks(wt, rate, block=4):
    """Zeroes whole blocks of `block` consecutive input channels (columns) of each output row, exactly
    round(rate*blocks) of them, smallest block L2 norm first; ties broken by flat block index. The pattern
    VNNI-friendly pruning (DeepSparse, Intel) leaves: a zero block is a skippable 4-group. A last, narrower
    block of a row counts as a block. Returns (pruned copy, zeroed elements)."""
    rows, cols = wt.shape
    per_row = -(-cols // block)
    padded = np.zeros((rows, per_row * block), dtype=np.float64)
    padded[:, :cols] = wt
    norms = (padded.reshape(rows, per_row, block) ** 2).sum(axis=2).ravel()
    k = int(round(rate * norms.size))
    out = wt.copy()
    if k == 0:
        return out, 0
    order = np.argsort(norms, kind="stable")[:k]
    zeroed = 0
    for b in order:
        r, c0 = divmod(int(b), per_row)
        c0 *= block
        c1 = min(cols, c0 + block)
        zeroed += c1 - c0
        out[r, c0:c1] = 0.0
    return out, zeroed


def quantize_per_row(wt):
    """Symmetric per-output-channel int8: scale = row max|w| / 127, q = round(w/scale) in [-127, 127].

    Nonzero weights that would round to 0 are nudged to +-1 so the int8 zeros are exactly the pruned
    zeros. An all-zero row gets the matrix's largest scale (any positive scale represents it).
    Returns (q int8 [out,in], scale float32 [out], snapped float32 = q*scale, nudged count).
    """
    absmax = np.abs(wt).max(axis=1)
    scale = (absmax / np.float32(127.0)).astype(np.float32)
    fallback = scale.max() if scale.max() > 0 else np.float32(1.0)
    scale = np.where(scale > 0, scale, fallback).astype(np.float32)
    q = np.clip(np.round(wt / scale[:, None]), -127, 127)
    lost = (q == 0) & (wt != 0)
    q = np.where(lost, np.sign(wt), q).astype(np.int8)
    snapped = (q.astype(np.float32) * scale[:, None]).astype(np.float32)
    return q, scale, snapped, int(lost.sum())


def tune_range(left, right, num_bits=8):
    """NNCF TuneRange (asymmetric): widens [left, right] minimally so that 0.0 is exactly a level.

    Inputs must satisfy left <= 0 <= right. Computed in float64; returns Python floats.
    """
    left, right = float(left), float(right)
    level_high = 2 ** num_bits - 1
    if right - left <= 0:
        return -1e-3, 1e-3 * (level_high - 1)
    qval = round(-left * level_high / (right - left))
    ra = qval / (qval - level_high) * right if qval < level_high else left
    rb = (qval - level_high) / qval * left if qval > 0 else right
    if right - ra > rb - left:
        left, right = ra, right
    else:
        left, right = left, rb
    # NNCF leaves the range untouched when qval rounds to 0 or level_high; snap that border to 0 instead,
    # so 0.0 is a level in every case.
    if qval == 0:
        left = 0.0
    elif qval == level_high:
        right = 0.0
    return left, right
