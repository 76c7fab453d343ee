"""Deterministic test inputs (calibration and golden cases)."""

import numpy as np

CLS, SEP = 101, 102


def make_batch(rng, lengths, S, vocab, type_vocab):
    """int64 [B,S] ids/mask/token types; row r has lengths[r] real tokens, then padding (id 0, mask 0)."""
    B = len(lengths)
    lo = 1000 if vocab > 2000 else 1
    ids = np.zeros((B, S), np.int64)
    mask = np.zeros((B, S), np.int64)
    tt = np.zeros((B, S), np.int64)
    for r, n in enumerate(lengths):
        ids[r, :n] = rng.integers(lo, vocab, size=n)
        if vocab > SEP:
            ids[r, 0] = CLS
            if n >= 2:
                ids[r, n - 1] = SEP
        mask[r, :n] = 1
        if type_vocab >= 2 and n >= 3:
            split = int(rng.integers(1, n))
            tt[r, split:n] = 1
    return ids, mask, tt


def case_lengths(B, S, pad_first=False):
    out = []
    for r in range(B):
        if r == 0:
            n = S - max(1, S // 4) if pad_first else S
        elif r == 1:
            n = S - max(1, S // 3)
        else:
            n = (S + 1) // 2
        out.append(max(1, n))
    return out


def case_specs(shapes, max_pos, static_shape=None):
    """[(name, B, S, pad_first)]: golden cases. Static models get only their fixed shape."""
    if shapes == "static":
        B, S = static_shape
        return [(f"b{B}_s{S}", B, S, False), (f"b{B}_s{S}_pad", B, S, True)]
    seqs = sorted({min(s, max_pos) for s in (1, 7, 16, 64)})
    specs = [(f"b{B}_s{S}", B, S, False) for B in (1, 2, 3) for S in seqs]
    s_pad = min(16, max_pos)
    if s_pad > 1:
        specs.append((f"b1_s{s_pad}_pad", 1, s_pad, True))
    return specs


def margin(logits):
    """Smallest gap between the two largest logits over rows (None with a single label)."""
    l64 = np.asarray(logits, dtype=np.float64)
    if l64.shape[1] < 2:
        return None
    top = np.sort(l64, axis=1)
    return float((top[:, -1] - top[:, -2]).min())
