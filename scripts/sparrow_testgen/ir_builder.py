"""A small OpenVINO IR v11 writer with symbolic shape inference.

Dims are ints or the symbols "B" (batch) and "S" (sequence). At serialization time the symbols become
-1 (dynamic model) or concrete numbers (static model), so one graph description serves both.
Const bytes are deduplicated: identical bytes share one .bin region, as OpenVINO's serializer does.
"""

import hashlib
from xml.sax.saxutils import quoteattr

import numpy as np

# element_type attribute -> (port precision, numpy dtype)
ELEMENT_TYPES = {
    "f32": ("FP32", np.float32),
    "f16": ("FP16", np.float16),
    "i64": ("I64", np.int64),
    "i32": ("I32", np.int32),
    "i8": ("I8", np.int8),
    "u8": ("U8", np.uint8),
    "boolean": ("BOOL", np.bool_),
}
_DTYPE_TO_ET = {np.dtype(v[1]): k for k, v in ELEMENT_TYPES.items()}

ELEMENTWISE = {"Add", "Multiply", "Subtract", "Divide", "Power"}
UNARY_SAME = {"SoftMax", "MVN", "Gelu", "Erf", "Sqrt", "Tanh", "FakeQuantize"}


class Out:
    """An output port: producing layer id, port id, element type and symbolic dims."""

    __slots__ = ("layer", "port", "et", "dims")

    def __init__(self, layer, port, et, dims):
        self.layer, self.port, self.et, self.dims = layer, port, et, list(dims)


def _bcast_dim(a, b):
    if a == b:
        return a
    if a == 1:
        return b
    if b == 1:
        return a
    raise ValueError(f"cannot broadcast dims {a} and {b}")


def bcast(*shapes):
    rank = max(len(s) for s in shapes)
    out = [1] * rank
    for s in shapes:
        padded = [1] * (rank - len(s)) + list(s)
        out = [_bcast_dim(x, y) for x, y in zip(out, padded)]
    return out


class IRBuilder:
    def __init__(self, name):
        self.name = name
        self.layers = []  # dicts: id, name, type, version, data, rt_info, inputs [Out], outputs [Out], out_names
        self.edges = []  # (from_layer, from_port, to_layer, to_port)
        self.values = {}  # (layer, port) -> numpy value of Consts (for shape inference)
        self.bin = bytearray()
        self._regions = {}  # (sha1, len) -> offset

    # -- layer creation -------------------------------------------------------------------------
    def _add(self, name, type_, version, inputs, out_specs, data=None, rt_info=None, out_names=None):
        lid = len(self.layers)
        n_in = len(inputs)
        outs = [Out(lid, n_in + i, et, dims) for i, (et, dims) in enumerate(out_specs)]
        self.layers.append(dict(id=lid, name=name, type=type_, version=version, data=data or {},
                                rt_info=rt_info or [], inputs=list(inputs), outputs=outs,
                                out_names=out_names or {}))
        for i, src in enumerate(inputs):
            self.edges.append((src.layer, src.port, lid, i))
        return outs

    def parameter(self, name, et, dims):
        shape = ",".join("?" if isinstance(d, str) else str(d) for d in dims)
        (o,) = self._add(name, "Parameter", "opset1", [], [(et, dims)],
                         data={"shape": shape, "element_type": et}, out_names={0: name})
        self.layers[-1]["param_dims"] = list(dims)
        return o

    def const(self, name, value, et=None):
        arr = np.asarray(value)
        if et is None:
            et = _DTYPE_TO_ET[arr.dtype]
        arr = np.asarray(arr, dtype=ELEMENT_TYPES[et][1], order="C")
        raw = arr.tobytes()
        key = (hashlib.sha1(raw).digest(), len(raw))
        off = self._regions.get(key)
        if off is None:
            off = len(self.bin)
            self._regions[key] = off
            self.bin += raw
        shape = ", ".join(str(d) for d in arr.shape)
        (o,) = self._add(name, "Const", "opset1", [], [(et, list(arr.shape))],
                         data={"element_type": et, "shape": shape, "offset": str(off), "size": str(len(raw))})
        self.values[(o.layer, o.port)] = arr
        return o

    def result(self, name, src):
        self._add(name, "Result", "opset1", [src], [])

    def value(self, out):
        return self.values.get((out.layer, out.port))

    def op(self, type_, name, inputs, version="opset1", data=None, dims=None, et=None, rt_info=None,
           out_name=None):
        """Adds an op with one output; dims/et are inferred unless given."""
        if dims is None:
            dims = self._infer(type_, inputs, data or {})
        if et is None:
            et = self._infer_et(type_, inputs, data or {})
        out_names = {0: out_name} if out_name else None
        (o,) = self._add(name, type_, version, inputs, [(et, dims)], data=data, rt_info=rt_info,
                         out_names=out_names)
        return o

    # -- inference --------------------------------------------------------------------------------
    def _infer_et(self, t, ins, data):
        if t == "Convert":
            return data["destination_type"]
        if t in ("Equal",):
            return "boolean"
        if t == "ShapeOf":
            return data.get("output_type", "i64")
        if t == "Select":
            return ins[1].et
        return ins[0].et

    def _infer(self, t, ins, data):
        if t in ELEMENTWISE or t == "Equal":
            return bcast(ins[0].dims, ins[1].dims)
        if t == "Select":
            return bcast(ins[0].dims, ins[1].dims, ins[2].dims)
        if t in UNARY_SAME or t == "Convert":
            return list(ins[0].dims)
        if t == "ShapeOf":
            return [len(ins[0].dims)]
        if t == "Gather":
            axis = int(self.value(ins[2]))
            d = ins[0].dims
            axis = axis + len(d) if axis < 0 else axis
            return d[:axis] + list(ins[1].dims) + d[axis + 1:]
        if t == "Concat":
            axis = int(data["axis"])
            out = list(ins[0].dims)
            total = 0
            for i in ins:
                if isinstance(i.dims[axis], str):
                    raise ValueError("Concat along a symbolic dim needs explicit dims")
                total += i.dims[axis]
            out[axis] = total
            return out
        if t == "MatMul":
            a, b = list(ins[0].dims), list(ins[1].dims)
            if data.get("transpose_a") == "true":
                a[-2], a[-1] = a[-1], a[-2]
            if data.get("transpose_b") == "true":
                b[-2], b[-1] = b[-1], b[-2]
            if a[-1] != b[-2]:
                raise ValueError(f"MatMul K mismatch {a} x {b}")
            return bcast(a[:-2], b[:-2]) + [a[-2], b[-1]]
        if t == "Transpose":
            order = self.value(ins[1])
            return [ins[0].dims[int(i)] for i in order]
        if t == "ReduceMean":
            axes = [int(a) for a in np.atleast_1d(self.value(ins[1]))]
            d = list(ins[0].dims)
            axes = [a + len(d) if a < 0 else a for a in axes]
            assert data.get("keep_dims") == "true"
            return [1 if i in axes else x for i, x in enumerate(d)]
        if t == "Reshape":
            target = self.value(ins[1])
            if target is None:
                raise ValueError("Reshape with a computed target needs explicit dims")
            return [int(x) for x in target]
        raise ValueError(f"no shape inference for {t}; pass dims")

    # -- serialization ----------------------------------------------------------------------------
    def to_xml(self, dim_map):
        def dim(d):
            return str(dim_map[d]) if isinstance(d, str) else str(d)

        def port_xml(pid, et, dims, names=None, ind="\t\t\t\t"):
            prec = ELEMENT_TYPES[et][0]
            nm = f' names={quoteattr(names)}' if names else ""
            if not dims:
                return f'{ind}<port id="{pid}" precision="{prec}"{nm} />\n'
            body = "".join(f"{ind}\t<dim>{dim(d)}</dim>\n" for d in dims)
            return f'{ind}<port id="{pid}" precision="{prec}"{nm}>\n{body}{ind}</port>\n'

        s = [f'<?xml version="1.0"?>\n<net name={quoteattr(self.name)} version="11">\n\t<layers>\n']
        for L in self.layers:
            s.append(f'\t\t<layer id="{L["id"]}" name={quoteattr(L["name"])} type="{L["type"]}" '
                     f'version="{L["version"]}">\n')
            data = dict(L["data"])
            if L["type"] == "Parameter":
                concrete = [dim_map[d] if isinstance(d, str) else d for d in L["param_dims"]]
                data["shape"] = ",".join("?" if d == -1 else str(d) for d in concrete)
            if data:
                attrs = " ".join(f"{k}={quoteattr(str(v))}" for k, v in data.items())
                s.append(f"\t\t\t<data {attrs} />\n")
            if L["rt_info"]:
                s.append("\t\t\t<rt_info>\n")
                for a in L["rt_info"]:
                    s.append(f'\t\t\t\t<attribute name="{a}" version="0" />\n')
                s.append("\t\t\t</rt_info>\n")
            if L["inputs"]:
                s.append("\t\t\t<input>\n")
                for i, src in enumerate(L["inputs"]):
                    s.append(port_xml(i, src.et, src.dims))
                s.append("\t\t\t</input>\n")
            if L["outputs"]:
                s.append("\t\t\t<output>\n")
                for k, o in enumerate(L["outputs"]):
                    s.append(port_xml(o.port, o.et, o.dims, L["out_names"].get(k)))
                s.append("\t\t\t</output>\n")
            s.append("\t\t</layer>\n")
        s.append("\t</layers>\n\t<edges>\n")
        for fl, fp, tl, tp in self.edges:
            s.append(f'\t\t<edge from-layer="{fl}" from-port="{fp}" to-layer="{tl}" to-port="{tp}" />\n')
        s.append("\t</edges>\n\t<rt_info>\n\t\t<producer value=\"sparrow scripts/gen_test_model.py "
                 "(hand-written IR v11 serializer, not OpenVINO)\" />\n\t</rt_info>\n</net>\n")
        return "".join(s)
