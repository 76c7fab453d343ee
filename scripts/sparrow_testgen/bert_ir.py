"""Emits BertForSequenceClassification as OpenVINO IR v11, in the op patterns of the sst2 reference IR."""

import math

import numpy as np

from .ir_builder import IRBuilder

F32_LOWEST = np.finfo(np.float32).min


def i64(v):
    return np.asarray(v, dtype=np.int64)


def f32(v):
    return np.asarray(v, dtype=np.float32)


class BertIR:
    """opts: layers, hidden, heads, ffn, labels, max_pos, eps, precision ("fp32"|"int8"),
    weights ("fq"|"compressed"), layernorm ("mvn"|"decomposed"|"decomposed-mul"), gelu ("gelu"|"erf"),
    shapes ("dynamic"|"static"), mask_broadcast ("broadcast"|"add"), f16_embeddings (bool)."""

    def __init__(self, name, opts, tensors, wq, act):
        self.o, self.t, self.wq, self.act = opts, tensors, wq, act
        self.g = IRBuilder(name)
        self.dynamic = opts["shapes"] == "dynamic"

    # -- helpers ------------------------------------------------------------------------------------
    def c(self, name, v, et=None):
        return self.g.const(name, v, et)

    def eltwise(self, type_, name, a, b, **kw):
        data = {"auto_broadcast": "numpy"}
        if type_ == "Divide":
            data["m_pythondiv"] = "true"
        return self.g.op(type_, name, [a, b], data=data, **kw)

    def gather(self, name, data_in, indices, axis, axis_name=None):
        ax = self.c(axis_name or name + "/axis", i64(axis))
        return self.g.op("Gather", name, [data_in, indices, ax], version="opset8", data={"batch_dims": "0"})

    def layernorm(self, x, prefix):
        g, mode = self.g, self.o["layernorm"]
        eps = float(np.float32(self.o["eps"]))
        if mode == "mvn":
            axes = self.c(prefix + "/MVN/axes", i64([-1]))
            y = g.op("MVN", prefix + "/MVN", [x, axes], version="opset6",
                     data={"eps": repr(eps), "normalize_variance": "true", "eps_mode": "inside_sqrt"})
        else:
            axes = self.c(prefix + "/ReduceMean/axes", i64([-1]))
            mean = g.op("ReduceMean", prefix + "/ReduceMean", [x, axes], data={"keep_dims": "true"})
            d = self.eltwise("Subtract", prefix + "/Subtract", x, mean)
            if mode == "decomposed":
                sq = self.eltwise("Power", prefix + "/Power", d, self.c(prefix + "/Power/exponent", f32(2.0)))
            else:
                sq = self.eltwise("Multiply", prefix + "/Square", d, d)
            axes2 = self.c(prefix + "/ReduceMean_1/axes", i64([-1]))
            var = g.op("ReduceMean", prefix + "/ReduceMean_1", [sq, axes2], data={"keep_dims": "true"})
            ve = self.eltwise("Add", prefix + "/Add_eps", var, self.c(prefix + "/eps", f32(eps)))
            sd = g.op("Sqrt", prefix + "/Sqrt", [ve])
            y = self.eltwise("Divide", prefix + "/Divide", d, sd)
        y = self.eltwise("Multiply", prefix + "/Multiply", y, self.c(prefix + ".weight", self.t[prefix + ".weight"]))
        return self.eltwise("Add", prefix + "/Add", y, self.c(prefix + ".bias", self.t[prefix + ".bias"]))

    def act_fq(self, x, qname):
        if self.o["precision"] != "int8":
            return x
        il, ih, ol, oh = self.act[qname]
        ins = [x] + [self.c(f"{qname}/{n}", f32(v).reshape(1, 1, 1))
                     for n, v in (("input_low", il), ("input_high", ih), ("output_low", ol), ("output_high", oh))]
        return self.g.op("FakeQuantize", qname + "/FakeQuantize", ins,
                         data={"levels": "256", "auto_broadcast": "numpy"})

    def weight(self, prefix, encoder):
        """The weight subgraph feeding MatMul(transpose_b): [out, in] float32."""
        g, name = self.g, prefix + ".weight"
        if not encoder or self.o["precision"] != "int8":
            return self.c(name, self.t[name])
        q, s = self.wq[prefix]["q"], self.wq[prefix]["scale"].reshape(-1, 1)
        if self.o["weights"] == "compressed":
            wc = self.c(name, q)
            wf = g.op("Convert", name + "/Convert", [wc], data={"destination_type": "f32"})
            sc = self.c(name + "/scale", s)
            return self.eltwise("Multiply", name + "/fq_weights_0", wf, sc)
        lim = (s * np.float32(127.0)).astype(np.float32)
        fqn = name + "/fq_weights_1"
        ins = [self.c(name, self.t[name])] + [self.c(f"{fqn}/{n}", v) for n, v in
                                              (("input_low", -lim), ("input_high", lim),
                                               ("output_low", -lim), ("output_high", lim))]
        return g.op("FakeQuantize", fqn, ins, data={"levels": "255", "auto_broadcast": "numpy"})

    def linear(self, x, prefix, encoder=True, out_name=None):
        w = self.weight(prefix, encoder)
        mm = self.g.op("MatMul", prefix + "/MatMul", [x, w], data={"transpose_a": "false", "transpose_b": "true"})
        b = self.t[prefix + ".bias"]
        bshape = [1] * (len(x.dims) - 1) + [b.shape[0]]
        return self.eltwise("Add", prefix + "/Add", mm, self.c(prefix + ".bias", b.reshape(bshape)),
                            out_name=out_name)

    # -- graph --------------------------------------------------------------------------------------
    def build(self):
        o, g, t = self.o, self.g, self.t
        H, nh, labels = o["hidden"], o["heads"], o["labels"]
        hd = H // nh
        B, S = "B", "S"
        ids = g.parameter("input_ids", "i64", [B, S])
        mask = g.parameter("attention_mask", "i64", [B, S])
        tt = g.parameter("token_type_ids", "i64", [B, S])

        # embeddings
        wname = "bert.embeddings.word_embeddings.weight"
        if o["f16_embeddings"]:
            we = self.c(wname, t[wname].astype(np.float16))
            we = g.op("Convert", "bert.embeddings.word_embeddings/Convert", [we],
                      data={"destination_type": "f32"}, rt_info=["decompression"])
        else:
            we = self.c(wname, t[wname])
        x = self.gather("bert.embeddings.word_embeddings/Gather", we, ids, 0)
        tte = self.c("bert.embeddings.token_type_embeddings.weight", t["bert.embeddings.token_type_embeddings.weight"])
        x = self.eltwise("Add", "bert.embeddings/Add", x,
                         self.gather("bert.embeddings.token_type_embeddings/Gather", tte, tt, 0))
        if self.dynamic:
            shp = g.op("ShapeOf", "bert.embeddings/ShapeOf", [ids], version="opset3", data={"output_type": "i64"})
            seq = self.gather("bert.embeddings/seq_len", shp, self.c("bert.embeddings/seq_index", i64([1])), 0)
            pos_end = g.op("Concat", "bert.embeddings/pos_end", [self.c("bert.embeddings/pos_end0", i64([0])), seq],
                           data={"axis": "0"})
        else:
            pos_end = self.c("bert.embeddings/pos_end", i64([0, o["static_seq"]]))
        pos_ids = self.c("bert.embeddings.position_ids", i64(np.arange(o["max_pos"])).reshape(1, -1))
        pos = g.op("StridedSlice", "bert.embeddings/position_ids/StridedSlice",
                   [pos_ids, self.c("bert.embeddings/pos_begin", i64([0, 0])), pos_end,
                    self.c("bert.embeddings/pos_stride", i64([1, 1]))],
                   data={"begin_mask": "1,0", "end_mask": "1,0", "new_axis_mask": "0,0",
                         "shrink_axis_mask": "0,0", "ellipsis_mask": "0,0"}, dims=[1, S])
        pe = self.c("bert.embeddings.position_embeddings.weight", t["bert.embeddings.position_embeddings.weight"])
        x = self.eltwise("Add", "bert.embeddings/Add_pos", x,
                         self.gather("bert.embeddings.position_embeddings/Gather", pe, pos, 0))
        x = self.layernorm(x, "bert.embeddings.LayerNorm")

        # additive attention mask
        m = "bert.extended_attention_mask"
        eq = self.eltwise("Equal", m + "/Equal", mask, self.c(m + "/zero", i64(0)))
        sel = g.op("Select", m + "/Select", [eq, self.c(m + "/min", f32(F32_LOWEST)), self.c(m + "/zero_f", f32(0.0))],
                   data={"auto_broadcast": "numpy"})
        if self.dynamic:
            mshp = g.op("ShapeOf", m + "/ShapeOf", [mask], version="opset3", data={"output_type": "i64"})
            batch = self.gather(m + "/batch", mshp, self.c(m + "/i0", i64([0])), 0)
            seqm = self.gather(m + "/seq", mshp, self.c(m + "/i1", i64([1])), 0)
            shape4 = g.op("Concat", m + "/shape4", [batch, self.c(m + "/ones", i64([1, 1])), seqm],
                          data={"axis": "0"})
        else:
            shape4 = self.c(m + "/shape4", i64([o["static_batch"], 1, 1, o["static_seq"]]))
        amask = g.op("Reshape", m + "/Reshape", [sel, shape4], data={"special_zero": "false"}, dims=[B, 1, 1, S])
        if o["mask_broadcast"] == "broadcast":
            if self.dynamic:
                shapeb = g.op("Concat", m + "/shapeB", [batch, self.c(m + "/one", i64([1])), seqm, seqm],
                              data={"axis": "0"})
            else:
                shapeb = self.c(m + "/shapeB", i64([o["static_batch"], 1, o["static_seq"], o["static_seq"]]))
            amask = g.op("Broadcast", m + "/Broadcast", [amask, shapeb], version="opset3",
                         data={"mode": "numpy"}, dims=[B, 1, S, S])

        scale = f32(1.0 / math.sqrt(hd))
        for i in range(o["layers"]):
            p = f"bert.encoder.layer.{i}"
            if self.dynamic:
                lshp = g.op("ShapeOf", p + "/ShapeOf", [x], version="opset3", data={"output_type": "i64"})
                bs = self.gather(p + "/batch_seq", lshp, self.c(p + "/bs_index", i64([0, 1])), 0)
                heads_shape = g.op("Concat", p + "/heads_shape", [bs, self.c(p + "/heads", i64([nh, hd]))],
                                   data={"axis": "0"})
                merge_shape = g.op("Concat", p + "/merge_shape", [bs, self.c(p + "/hidden", i64([H]))],
                                   data={"axis": "0"})
            else:
                sb, ss = o["static_batch"], o["static_seq"]
                heads_shape = self.c(p + "/heads_shape", i64([sb, ss, nh, hd]))
                merge_shape = self.c(p + "/merge_shape", i64([sb, ss, H]))
            xq = self.act_fq(x, p + ".attention.self.input_quantizer")
            proj = {}
            order = self.c(p + ".attention.self.query/Transpose/order", i64([0, 2, 1, 3]))
            for n in ("query", "key", "value"):
                pp = f"{p}.attention.self.{n}"
                y = self.linear(xq, pp)
                y = g.op("Reshape", pp + "/Reshape", [y, heads_shape], data={"special_zero": "false"},
                         dims=[B, S, nh, hd])
                if n != "query":
                    order = self.c(pp + "/Transpose/order", i64([0, 2, 1, 3]))
                proj[n] = g.op("Transpose", pp + "/Transpose", [y, order])
            a = p + ".attention.self"
            sc = g.op("MatMul", a + "/scores/MatMul", [proj["query"], proj["key"]],
                      data={"transpose_a": "false", "transpose_b": "true"})
            sc = self.eltwise("Multiply", a + "/Multiply", sc, self.c(a + "/scale", scale))
            sc = self.eltwise("Add", a + "/Add_mask", sc, amask)
            pr = g.op("SoftMax", a + "/Softmax", [sc], version="opset8", data={"axis": "-1"})
            ctx = g.op("MatMul", a + "/context/MatMul", [pr, proj["value"]],
                       data={"transpose_a": "false", "transpose_b": "false"})
            ctx = g.op("Transpose", a + "/context/Transpose",
                       [ctx, self.c(a + "/context/Transpose/order", i64([0, 2, 1, 3]))])
            ctx = g.op("Reshape", a + "/context/Reshape", [ctx, merge_shape], data={"special_zero": "false"},
                       dims=[B, S, H])
            ctx = self.act_fq(ctx, p + ".attention.output.input_quantizer")
            y = self.linear(ctx, p + ".attention.output.dense")
            y = self.eltwise("Add", p + ".attention.output/Add_residual", y, x)
            x = self.layernorm(y, p + ".attention.output.LayerNorm")
            h = self.linear(self.act_fq(x, p + ".intermediate.input_quantizer"), p + ".intermediate.dense")
            h = self.gelu(h, p + ".intermediate")
            h = self.act_fq(h, p + ".output.input_quantizer")
            y = self.linear(h, p + ".output.dense")
            y = self.eltwise("Add", p + ".output/Add_residual", y, x)
            x = self.layernorm(y, p + ".output.LayerNorm")

        first = self.gather("bert.pooler/Gather", x, self.c("bert.pooler/index", i64(0)), 1,
                            axis_name="bert.pooler/Gather/axis")
        pooled = g.op("Tanh", "bert.pooler/Tanh", [self.linear(first, "bert.pooler.dense", encoder=False)])
        logits = self.linear(pooled, "classifier", encoder=False, out_name="logits")
        assert logits.dims == [B, labels]
        g.result("logits/sink_port_0", logits)
        return g

    def gelu(self, h, prefix):
        g = self.g
        if self.o["gelu"] == "gelu":
            return g.op("Gelu", prefix + "/Gelu", [h], version="opset7", data={"approximation_mode": "ERF"})
        half = self.eltwise("Multiply", prefix + "/Gelu/Multiply_half", h, self.c(prefix + "/Gelu/half", f32(0.5)))
        d = self.eltwise("Divide", prefix + "/Gelu/Divide", h, self.c(prefix + "/Gelu/sqrt2", f32(math.sqrt(2.0))))
        e = g.op("Erf", prefix + "/Gelu/Erf", [d])
        e1 = self.eltwise("Add", prefix + "/Gelu/Add", e, self.c(prefix + "/Gelu/one", f32(1.0)))
        return self.eltwise("Multiply", prefix + "/Gelu/Multiply", half, e1)

    def dim_map(self):
        if self.dynamic:
            return {"B": -1, "S": -1}
        return {"B": self.o["static_batch"], "S": self.o["static_seq"]}
