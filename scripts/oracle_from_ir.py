#!/usr/bin/python3
"""PyTorch oracle for the IR that `sparrow synth` writes.

Reads DIR/openvino_model.xml + .bin (xml.etree, numpy) and DIR/config.json, rebuilds the
BertForSequenceClassification in PyTorch float32 and prints its logits as JSON. Nothing is taken from sparrow's
code: weights are found by following the IR's edges from the named MatMul/Add/Multiply/Gather layers to their
Const inputs (through the compressed-weight Convert -> Multiply chain), and activation quantizers are the
FakeQuantize layers named <quantizer>/FakeQuantize, with their four range inputs read the same way.
FakeQuantize follows OpenVINO's FakeQuantize-1 reference in float32, round half to even:
  x <= min(il, ih) -> ol;  x > max(il, ih) -> oh;
  else round((x - il) / (ih - il) * (levels - 1)) / (levels - 1) * (oh - ol) + ol

Run with Debian's interpreter, which has torch:
  /usr/bin/python3 scripts/oracle_from_ir.py DIR --cases cases.json [--out logits.json]
cases.json: a list of {"name": str, "input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}
(one batch per case, rows padded to one length; attention_mask/token_type_ids default to ones/zeros).
Output: {"precision": "int8"|"fp32", "cases": [{"name": str, "logits": [[...], ...]}, ...]}.
"""

import argparse
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

import numpy as np
import torch

NP_TYPES = {"f32": np.float32, "f16": np.float16, "f64": np.float64, "i8": np.int8, "u8": np.uint8,
            "i32": np.int32, "i64": np.int64, "boolean": np.bool_}

# Op types and versions the synth IR may contain: what OpenVINO's converters emit for BERT.
EXPECTED_VERSIONS = {"Parameter": 1, "Const": 1, "Result": 1, "Convert": 1, "Gather": 8, "Add": 1,
                     "Multiply": 1, "MatMul": 1, "Reshape": 1, "Transpose": 1, "Concat": 1, "ShapeOf": 3,
                     "MVN": 6, "SoftMax": 8, "Gelu": 7, "Equal": 1, "Select": 1, "Broadcast": 3,
                     "StridedSlice": 1, "FakeQuantize": 1, "Tanh": 1}


class IR:
    def __init__(self, xml_path):
        bin_path = os.path.splitext(xml_path)[0] + ".bin"
        root = ET.parse(xml_path).getroot()
        if root.get("version") != "11":
            raise SystemExit(f"{xml_path}: IR version {root.get('version')}, expected 11")
        with open(bin_path, "rb") as f:
            self.bin = f.read()
        self.layers = {}   # id -> element
        self.by_name = {}  # name -> id
        self.in_ports = {}  # id -> [port id, ...] in input order
        for layer in root.find("layers"):
            lid = layer.get("id")
            self.layers[lid] = layer
            if layer.get("name") in self.by_name:
                raise SystemExit(f"duplicate layer name {layer.get('name')}")
            self.by_name[layer.get("name")] = lid
            inp = layer.find("input")
            self.in_ports[lid] = [p.get("id") for p in inp] if inp is not None else []
            kind, version = layer.get("type"), layer.get("version")
            want = EXPECTED_VERSIONS.get(kind)
            if want is None or version != f"opset{want}":
                raise SystemExit(f"layer {layer.get('name')}: unexpected {kind} {version}")
        self.source = {}  # (to layer, input index) -> from layer
        for e in root.find("edges"):
            to = e.get("to-layer")
            index = self.in_ports[to].index(e.get("to-port"))
            self.source[(to, index)] = e.get("from-layer")

    def layer(self, name):
        if name not in self.by_name:
            raise SystemExit(f"IR has no layer named {name}")
        return self.by_name[name]

    def input_of(self, lid, index):
        return self.source[(lid, index)]

    def attr(self, lid, key):
        return self.layers[lid].find("data").get(key)

    def value(self, lid):
        """Value of a constant subgraph: Const, Convert(Const), Multiply(Convert(Const), Const)."""
        layer = self.layers[lid]
        kind = layer.get("type")
        if kind == "Const":
            d = layer.find("data")
            dtype = NP_TYPES[d.get("element_type")]
            shape = [int(s) for s in d.get("shape").split(",") if s.strip()]
            offset, size = int(d.get("offset")), int(d.get("size"))
            count = int(np.prod(shape)) if shape else 1
            if count * np.dtype(dtype).itemsize != size or offset + size > len(self.bin):
                raise SystemExit(f"Const {layer.get('name')}: bad size/offset")
            return np.frombuffer(self.bin, dtype=dtype, count=count, offset=offset).reshape(shape).copy()
        if kind == "Convert":
            return self.value(self.input_of(lid, 0)).astype(NP_TYPES[self.attr(lid, "destination_type")])
        if kind == "Multiply":
            a, b = self.value(self.input_of(lid, 0)), self.value(self.input_of(lid, 1))
            return (a * b).astype(np.float32)
        raise SystemExit(f"layer {layer.get('name')}: {kind} is not part of a constant subgraph")

    def operand(self, name, index, dtype=torch.float32):
        """Constant value feeding input `index` of the layer called `name` (floats as `dtype`)."""
        t = torch.from_numpy(self.value(self.input_of(self.layer(name), index)))
        return t.to(dtype) if t.is_floating_point() else t


def fake_quantize(x, il, ih, ol, oh, levels):
    lo, hi = torch.minimum(il, ih), torch.maximum(il, ih)
    q = torch.round((x - il) / (ih - il) * float(levels - 1))  # torch.round: half to even
    y = q / float(levels - 1) * (oh - ol) + ol
    y = torch.where(x > hi, oh.expand_as(y), y)
    return torch.where(x <= lo, ol.expand_as(y), y)


class Bert:
    def __init__(self, model_dir, dtype=torch.float32):
        self.dtype = dtype
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = json.load(f)
        self.ir = IR(os.path.join(model_dir, "openvino_model.xml"))
        self.quantized = any(l.get("type") == "FakeQuantize" for l in self.ir.layers.values())
        self.eps = float(self.cfg["layer_norm_eps"])
        mvn = self.ir.layer("bert.embeddings.LayerNorm/MVN")
        assert self.ir.attr(mvn, "eps_mode") == "inside_sqrt" and self.ir.attr(mvn, "normalize_variance") == "true"

    def linear(self, x, prefix):
        w = self.ir.operand(prefix + "/MatMul", 1, self.dtype)
        assert self.ir.attr(self.ir.layer(prefix + "/MatMul"), "transpose_b") == "true"
        return torch.matmul(x, w.t()) + self.ir.operand(prefix + "/Add", 1, self.dtype)

    def layer_norm(self, x, prefix):
        mean = x.mean(dim=-1, keepdim=True)
        d = x - mean
        var = (d * d).mean(dim=-1, keepdim=True)
        y = d / torch.sqrt(var + torch.tensor(self.eps, dtype=self.dtype))
        return y * self.ir.operand(prefix + "/Multiply", 1, self.dtype) + self.ir.operand(prefix + "/Add", 1, self.dtype)

    def quantize(self, x, name):
        if not self.quantized:
            return x
        fq = self.ir.layer(name + "/FakeQuantize")
        levels = int(self.ir.attr(fq, "levels"))
        il, ih, ol, oh = (self.ir.operand(name + "/FakeQuantize", i, self.dtype) for i in range(1, 5))
        return fake_quantize(x, il, ih, ol, oh, levels)

    @torch.no_grad()
    def __call__(self, ids, mask, types):
        B, S = ids.shape
        H, nh = int(self.cfg["hidden_size"]), int(self.cfg["num_attention_heads"])
        hd = H // nh
        e = "bert.embeddings"
        x = (self.ir.operand(e + ".word_embeddings/Gather", 0, self.dtype)[ids] +
             self.ir.operand(e + ".token_type_embeddings/Gather", 0, self.dtype)[types])
        x = x + self.ir.operand(e + ".position_embeddings/Gather", 0, self.dtype)[torch.arange(S)].unsqueeze(0)
        x = self.layer_norm(x, e + ".LayerNorm")
        add_mask = torch.where(mask == 0, torch.tensor(torch.finfo(torch.float32).min, dtype=self.dtype),
                               torch.tensor(0.0, dtype=self.dtype)).reshape(B, 1, 1, S)
        scale = torch.tensor(1.0 / math.sqrt(hd), dtype=self.dtype)
        for i in range(int(self.cfg["num_hidden_layers"])):
            p = f"bert.encoder.layer.{i}"
            xq = self.quantize(x, p + ".attention.self.input_quantizer")
            q, k, v = (self.linear(xq, f"{p}.attention.self.{n}").reshape(B, S, nh, hd).permute(0, 2, 1, 3)
                       for n in ("query", "key", "value"))
            scores = torch.matmul(q, k.transpose(-1, -2)) * scale + add_mask
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3).reshape(B, S, H)
            a = self.linear(self.quantize(ctx, p + ".attention.output.input_quantizer"), p + ".attention.output.dense")
            x1 = self.layer_norm(a + x, p + ".attention.output.LayerNorm")
            h = self.linear(self.quantize(x1, p + ".intermediate.input_quantizer"), p + ".intermediate.dense")
            h = torch.nn.functional.gelu(h)  # erf form
            o = self.linear(self.quantize(h, p + ".output.input_quantizer"), p + ".output.dense")
            x = self.layer_norm(o + x1, p + ".output.LayerNorm")
        pooled = torch.tanh(self.linear(x[:, 0], "bert.pooler.dense"))
        return self.linear(pooled, "classifier")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--cases", required=True, help="JSON file with a list of token batches")
    ap.add_argument("--out", help="write the JSON here instead of stdout")
    ap.add_argument("--float64", action="store_true",
                    help="compute in float64 (diagnostics: shows how far float rounding alone moves the logits)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = Bert(args.model_dir, torch.float64 if args.float64 else torch.float32)
    with open(args.cases) as f:
        cases = json.load(f)
    out = {"precision": "int8" if model.quantized else "fp32", "cases": []}
    for i, c in enumerate(cases):
        ids = torch.tensor(c["input_ids"], dtype=torch.int64)
        mask = torch.tensor(c["attention_mask"], dtype=torch.int64) if "attention_mask" in c else torch.ones_like(ids)
        types = torch.tensor(c["token_type_ids"], dtype=torch.int64) if "token_type_ids" in c else torch.zeros_like(ids)
        logits = model(ids, mask, types)
        out["cases"].append({"name": c.get("name", str(i)), "logits": logits.tolist()})
    text = json.dumps(out, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    sys.exit(main())
