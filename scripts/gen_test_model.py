#!/usr/bin/python3
"""Generates a seeded BERT sequence classifier as OpenVINO IR v11 plus PyTorch-oracle golden logits.

Run with /usr/bin/python3 (Debian PyTorch). See docs/test_models.md for flags, IR patterns and formats.
Example:
  /usr/bin/python3 scripts/gen_test_model.py --preset tiny --precision int8 --weights compressed \
      --layernorm mvn --gelu gelu --out build/models/tiny-int8-compressed-mvn-gelu
"""

import argparse
import os
import shutil
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sparrow_testgen import pipeline  # noqa: E402
from sparrow_testgen.ir_validate import validate_ir  # noqa: E402

PRESETS = {
    "tiny": dict(layers=2, hidden=32, heads=2, ffn=64, vocab=30522, max_pos=128),
    "bert-base": dict(layers=12, hidden=768, heads=12, ffn=3072, vocab=30522, max_pos=512),
}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder (rewritten atomically via OUT.tmp)")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    for k in ("layers", "hidden", "heads", "ffn", "vocab", "max-pos"):
        ap.add_argument("--" + k, type=int, help="overrides the preset")
    ap.add_argument("--type-vocab", type=int, default=2)
    ap.add_argument("--labels", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--precision", choices=["fp32", "int8"], default="int8")
    ap.add_argument("--weights", choices=["fq", "compressed"], default="compressed",
                    help="int8 weight pattern: f32 Const->FakeQuantize(255) or i8 Const->Convert->Multiply")
    ap.add_argument("--sparsity", type=float, default=0.8, help="zero fraction per encoder Linear; 0 = dense")
    ap.add_argument("--sparsity-pattern", choices=["unstructured", "block4"], default="unstructured",
                    help="which weights --sparsity zeroes: single weights by magnitude, or blocks of 4 consecutive "
                         "input channels by L2 norm (VNNI-friendly 4-block pruning)")
    ap.add_argument("--layernorm", choices=["mvn", "decomposed", "decomposed-mul"], default="mvn")
    ap.add_argument("--gelu", choices=["gelu", "erf"], default="gelu")
    ap.add_argument("--shapes", choices=["dynamic", "static"], default="dynamic")
    ap.add_argument("--static-shape", default="2,16", help="B,S for --shapes static")
    ap.add_argument("--mask-broadcast", choices=["broadcast", "add"], default="broadcast",
                    help="attention mask [B,1,1,S] -> Broadcast [B,1,S,S] (as sst2), or straight into Add")
    ap.add_argument("--f16-embeddings", action="store_true", help="word embeddings as f16 Const -> Convert")
    ap.add_argument("--eps", type=float, default=1e-12, help="LayerNorm epsilon")
    ap.add_argument("--check", action="store_true",
                    help="also verify determinism and the int8-vs-fp32 gap (and run the IR interpreter)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    cfg = dict(PRESETS[a.preset])
    for k in ("layers", "hidden", "heads", "ffn", "vocab", "max_pos"):
        v = getattr(a, k)
        if v is not None:
            cfg[k] = v
    if cfg["hidden"] % cfg["heads"]:
        ap.error("hidden must be a multiple of heads")
    if not 0.0 <= a.sparsity < 1.0:
        ap.error("--sparsity must be in [0, 1)")
    sb, ss = (int(x) for x in a.static_shape.split(","))
    if a.shapes == "static" and not (sb >= 1 and 1 <= ss <= cfg["max_pos"]):
        ap.error("--static-shape needs B>=1 and 1<=S<=max-pos")
    cfg.update(preset=a.preset, type_vocab=a.type_vocab, labels=a.labels, seed=a.seed, precision=a.precision,
               weights=a.weights if a.precision == "int8" else None, sparsity=a.sparsity,
               sparsity_pattern=a.sparsity_pattern,
               layernorm=a.layernorm, gelu=a.gelu, shapes=a.shapes, mask_broadcast=a.mask_broadcast,
               f16_embeddings=a.f16_embeddings, eps=a.eps,
               static_batch=sb if a.shapes == "static" else None,
               static_seq=ss if a.shapes == "static" else None)
    return a, cfg


def stage(out, files):
    """Writes files into OUT.tmp (fresh) and returns that path."""
    tmp = os.path.abspath(out) + ".tmp"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    for fname, data in files.items():
        with open(os.path.join(tmp, fname), "wb") as f:
            f.write(data)
    return tmp


def commit(out, tmp):
    """Swaps OUT.tmp in place of OUT."""
    out = os.path.abspath(out)
    old = out + ".old"
    if os.path.exists(old):
        shutil.rmtree(old)
    if os.path.exists(out):
        os.rename(out, old)
    os.rename(tmp, out)
    if os.path.exists(old):
        shutil.rmtree(old)


def main(argv=None):
    t0 = time.time()
    a, cfg = parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    name = os.path.basename(os.path.normpath(a.out))
    res = pipeline.generate(cfg, name)
    t_gen = time.time() - t0
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = stage(a.out, res["files"])
    errs = validate_ir(os.path.join(tmp, "openvino_model.xml"), os.path.join(tmp, "openvino_model.bin"))
    if errs:
        print(f"IR validation failed ({len(errs)} errors), left in {tmp}:\n  " + "\n  ".join(errs[:50]),
              file=sys.stderr)
        return 1
    check_msg = ""
    if a.check:
        ok, check_msg = pipeline.self_check(cfg, name, res, tmp)
        if not ok:
            print(f"check failed ({tmp} kept): {check_msg}", file=sys.stderr)
            return 1
        check_msg = " check=ok(" + check_msg + ")"
    commit(a.out, tmp)
    s = res["summary"]
    desc = (f"{cfg['precision']}" + (f"/{cfg['weights']}" if cfg["weights"] else "") +
            f" ln={cfg['layernorm']} gelu={cfg['gelu']} {cfg['shapes']}" +
            (f"[{cfg['static_batch']},{cfg['static_seq']}]" if cfg["shapes"] == "static" else "") +
            (" mask=add" if cfg["mask_broadcast"] == "add" else "") + (" f16emb" if cfg["f16_embeddings"] else ""))
    print(f"gen_test_model: {a.out}: L={cfg['layers']} H={cfg['hidden']} heads={cfg['heads']} F={cfg['ffn']} "
          f"V={cfg['vocab']} {desc} sparsity={cfg['sparsity']:g} ir_layers={s['ir_layers']} "
          f"bin={s['bin_bytes']}B cases={s['cases']} margin_min={s['margin_min']:.4g} ir_valid=ok{check_msg} "
          f"gen={t_gen:.1f}s total={time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
