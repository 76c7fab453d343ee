"""PyTorch oracle: the generated graph's math, op for op, with OpenVINO FakeQuantize-1 semantics.

Tensors between ops are float32. Elementwise ops run in float32; ops that sum (MatMul, MVN, ReduceMean,
SoftMax) and Gelu-7 run in float64 and round once (f64_accumulate, the default), which keeps the oracle
on the same side of FakeQuantize rounding boundaries as engines that accumulate exactly or in double.
"""

import math

import torch

F32_LOWEST = torch.finfo(torch.float32).min


def fake_quantize(x, il, ih, ol, oh, levels):
    """OpenVINO FakeQuantize-1 reference, float32, round half to even (torch.round)."""
    lo = torch.minimum(il, ih)
    hi = torch.maximum(il, ih)
    q = torch.round((x - il) / (ih - il) * float(levels - 1))
    y = q / float(levels - 1) * (oh - ol) + ol
    y = torch.where(x > hi, oh.expand_as(y), y)
    return torch.where(x <= lo, ol.expand_as(y), y)


def fake_quantize_levels(x, il, ih, levels):
    """FakeQuantize-1's integer step (0 .. levels-1), float32 arithmetic as the reference computes it."""
    q = torch.round((x - il) / (ih - il) * float(levels - 1))
    q = torch.where(x > torch.maximum(il, ih), torch.full_like(q, float(levels - 1)), q)
    return torch.where(x <= torch.minimum(il, ih), torch.zeros_like(q), q)


class Oracle:
    """Holds torch tensors for one generated model and evaluates it.

    model: dict with
      cfg: layers/hidden/heads/ffn/eps, layernorm ("mvn"|"decomposed"|"decomposed-mul"), gelu ("gelu"|"erf")
      tensors: HF-named float32 numpy arrays as the graph consumes them (word embeddings already
               f16-rounded when stored as f16)
      weight_mode: "fp32" | "fq" | "compressed"
      wq: per encoder Linear: {"q": int8 [out,in], "scale": f32 [out]} (for fq/compressed)
      act: per activation quantizer name: (il, ih, ol, oh) floats (levels 256)
    """

    def __init__(self, model, f64_accumulate=True, int8_linear=False):
        self.cfg = model["cfg"]
        t = {k: torch.from_numpy(v) for k, v in model["tensors"].items()}
        self.t = t
        self.weight_mode = model["weight_mode"]
        self.act = {k: tuple(torch.tensor([[[v]]], dtype=torch.float32) for v in q)
                    for k, q in model.get("act", {}).items()}
        self.lin_w = {}
        self.int8_linear = int8_linear
        self.w_int = {}  # name -> (int64 weights [out, in], float64 scale [out]) for int8_linear
        for name, wq in model.get("wq", {}).items():
            q = torch.from_numpy(wq["q"])
            s = torch.from_numpy(wq["scale"]).reshape(-1, 1)
            if self.weight_mode == "compressed":
                self.lin_w[name] = q.to(torch.float32) * s
                self.w_int[name] = (q.to(torch.int64), s.reshape(-1).double())
            elif self.weight_mode == "fq":
                lim = s * 127.0
                self.lin_w[name] = fake_quantize(t[name + ".weight"], -lim, lim, -lim, lim, 255)
                # The integer levels of that FakeQuantize, zero point 127, step (oh - ol) / 254.
                q_w = fake_quantize_levels(t[name + ".weight"], -lim, lim, 255)
                step = (lim.double() - (-lim).double()).reshape(-1) / 254.0
                self.w_int[name] = (q_w.to(torch.int64) - 127, step)
        H, nh = self.cfg["hidden"], self.cfg["heads"]
        self.head_dim = H // nh
        self.attn_scale = torch.tensor(1.0 / math.sqrt(self.head_dim), dtype=torch.float32)
        self.eps = torch.tensor(self.cfg["eps"], dtype=torch.float32)
        self.f64_accumulate = f64_accumulate

    def _mm(self, a, b):
        if self.f64_accumulate:
            return torch.matmul(a.double(), b.double()).float()
        return torch.matmul(a, b)

    # -- pieces in graph order ----------------------------------------------------------------------
    def _layernorm(self, x, prefix):
        if self.cfg["layernorm"] == "mvn" and self.f64_accumulate:
            x64 = x.double()
            d64 = x64 - x64.mean(dim=-1, keepdim=True)
            var64 = (d64 * d64).mean(dim=-1, keepdim=True)
            y = (d64 / torch.sqrt(var64 + self.eps.double())).float()
        else:
            mean = self._mean(x)
            d = x - mean
            sq = d * d if self.cfg["layernorm"] != "decomposed" else torch.pow(d, 2.0)
            y = d / torch.sqrt(self._mean(sq) + self.eps)
        return y * self.t[prefix + ".weight"] + self.t[prefix + ".bias"]

    def _mean(self, x):
        if self.f64_accumulate:
            return x.double().mean(dim=-1, keepdim=True).float()
        return x.mean(dim=-1, keepdim=True)

    def _gelu(self, x):
        if self.cfg["gelu"] == "gelu":
            if self.f64_accumulate:
                return torch.nn.functional.gelu(x.double()).float()
            return torch.nn.functional.gelu(x)
        half = x * 0.5
        e = torch.erf(x / torch.tensor(math.sqrt(2.0), dtype=torch.float32))
        return half * (e + 1.0)

    def _quant(self, x, qname, use_quant, stats):
        if stats is not None:
            v = x[self._valid]
            mn, mx = float(v.min()), float(v.max())
            if qname in stats:
                mn, mx = min(mn, stats[qname][0]), max(mx, stats[qname][1])
            stats[qname] = [mn, mx]
        if not use_quant or qname not in self.act:
            return x
        il, ih, ol, oh = self.act[qname]
        return fake_quantize(x, il, ih, ol, oh, 256)

    def _int8_linear(self, x, qname, prefix):
        """An engine's quantized linear layer: u8 activation levels times int8 weights summed exactly, then
        dst = float32(acc) * alpha + beta with alpha = s_x * s_w and beta = ol * s_w * sum(w) + bias folded
        in float64 and stored as float32 (src/passes/quantize_linear.h)."""
        il, ih, ol, oh = self.act[qname]
        q = fake_quantize_levels(x, il, ih, 256).double()
        w, s_w = self.w_int[prefix]
        acc = torch.matmul(q, w.double().t())  # integers below 2**53: exact
        s_x = (oh.double().reshape(()) - ol.double().reshape(())) / 255.0
        alpha = (s_x * s_w).float().double()
        col_sum = w.sum(dim=1).double()
        beta = ((ol.double().reshape(()) * s_w) * col_sum + self.t[prefix + ".bias"].double()).float().double()
        return (acc.float().double() * alpha + beta).float()

    def _linear(self, x, prefix, use_quant, x_pre=None, qname=None):
        if use_quant and self.int8_linear and prefix in self.w_int and qname in self.act:
            return self._int8_linear(x_pre, qname, prefix)
        if use_quant and prefix in self.lin_w:
            w = self.lin_w[prefix]
        else:
            w = self.t[prefix + ".weight"]
        return self._mm(x, w.t()) + self.t[prefix + ".bias"]

    def forward(self, ids, mask, tt, use_quant=True, stats=None):
        """ids/mask/tt: int64 tensors [B,S]. stats: optional dict name -> [min, max] of each quantizer's
        input over real (mask != 0) tokens, accumulated across calls."""
        self._valid = mask != 0
        t, cfg = self.t, self.cfg
        B, S = ids.shape
        H, nh, hd = cfg["hidden"], cfg["heads"], self.head_dim
        x = t["bert.embeddings.word_embeddings.weight"][ids]
        x = x + t["bert.embeddings.token_type_embeddings.weight"][tt]
        x = x + t["bert.embeddings.position_embeddings.weight"][:S].unsqueeze(0)
        x = self._layernorm(x, "bert.embeddings.LayerNorm")
        add_mask = torch.where(mask == 0, torch.tensor(F32_LOWEST), torch.tensor(0.0))
        add_mask = add_mask.reshape(B, 1, 1, S)
        if cfg.get("mask_broadcast", "broadcast") == "broadcast":
            add_mask = add_mask.expand(B, 1, S, S)
        for i in range(cfg["layers"]):
            p = f"bert.encoder.layer.{i}."
            xq = self._quant(x, p + "attention.self.input_quantizer", use_quant, stats)

            def heads(name):
                y = self._linear(xq, p + "attention.self." + name, use_quant, x,
                                 p + "attention.self.input_quantizer")
                return y.reshape(B, S, nh, hd).permute(0, 2, 1, 3)

            q, k, v = heads("query"), heads("key"), heads("value")
            scores = self._mm(q, k.transpose(-1, -2)) * self.attn_scale + add_mask
            probs = torch.softmax(scores.double() if self.f64_accumulate else scores, dim=-1).float()
            ctx = self._mm(probs, v).permute(0, 2, 1, 3).reshape(B, S, H)
            ctx_q = self._quant(ctx, p + "attention.output.input_quantizer", use_quant, stats)
            a = self._linear(ctx_q, p + "attention.output.dense", use_quant, ctx,
                             p + "attention.output.input_quantizer") + x
            x = self._layernorm(a, p + "attention.output.LayerNorm")
            xq = self._quant(x, p + "intermediate.input_quantizer", use_quant, stats)
            h = self._gelu(self._linear(xq, p + "intermediate.dense", use_quant, x,
                                        p + "intermediate.input_quantizer"))
            h_q = self._quant(h, p + "output.input_quantizer", use_quant, stats)
            o = self._linear(h_q, p + "output.dense", use_quant, h, p + "output.input_quantizer") + x
            x = self._layernorm(o, p + "output.LayerNorm")
        pooled = torch.tanh(self._linear(x[:, 0], "bert.pooler.dense", False))
        return self._linear(pooled, "classifier", False)
