"""A small numpy interpreter for the IR ops the generator emits, written from the OpenVINO op specs.

Used by --check to confirm that the written xml+bin compute the golden logits, independently of the
writer's data structures (it reads only the files). Every computed output is checked against the port's
declared precision and dims (-1 matches any size).
"""

import xml.etree.ElementTree as ET

import numpy as np
import torch

NP = {"f32": np.float32, "f16": np.float16, "i64": np.int64, "i32": np.int32, "i8": np.int8, "u8": np.uint8,
      "boolean": np.bool_}
PREC = {"FP32": np.float32, "FP16": np.float16, "I64": np.int64, "I32": np.int32, "I8": np.int8,
        "U8": np.uint8, "BOOL": np.bool_}


def _fq(x, il, ih, ol, oh, levels):
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.round((x - il) / (ih - il) * np.float32(levels - 1))
        y = q / np.float32(levels - 1) * (oh - ol) + ol
    y = np.where(x > np.maximum(il, ih), oh, y)
    return np.where(x <= np.minimum(il, ih), ol, y).astype(np.float32)


def _strided_slice(x, begin, end, stride, data):
    bm = [int(v) for v in data["begin_mask"].split(",")]
    em = [int(v) for v in data["end_mask"].split(",")]
    for k in ("new_axis_mask", "shrink_axis_mask", "ellipsis_mask"):
        if any(int(v) for v in data.get(k, "0").split(",") if v.strip()):
            raise NotImplementedError("StridedSlice " + k)
    sl = []
    for i in range(x.ndim):
        if i >= len(begin):
            sl.append(slice(None))
            continue
        b = None if bm[i] else int(begin[i])
        e = None if em[i] else int(end[i])
        sl.append(slice(b, e, int(stride[i])))
    return x[tuple(sl)]


def _mvn(x, axes, data):
    axes = tuple(int(a) for a in np.atleast_1d(axes))
    mean = x.mean(axis=axes, keepdims=True, dtype=np.float64).astype(np.float32)
    d = x - mean
    if data.get("normalize_variance", "true") != "true":
        return d
    var = (d * d).mean(axis=axes, keepdims=True, dtype=np.float64).astype(np.float32)
    eps = np.float32(float(data["eps"]))
    if data["eps_mode"] == "inside_sqrt":
        return d / np.sqrt(var + eps)
    return d / (np.sqrt(var) + eps)


def _eval(typ, data, ins):
    a = ins
    if typ == "Convert":
        return a[0].astype(NP[data["destination_type"]])
    if typ == "Add":
        return a[0] + a[1]
    if typ == "Subtract":
        return a[0] - a[1]
    if typ == "Multiply":
        return a[0] * a[1]
    if typ == "Divide":
        return a[0] / a[1]
    if typ == "Power":
        return np.power(a[0], a[1])
    if typ == "Equal":
        return a[0] == a[1]
    if typ == "Select":
        return np.where(a[0], a[1], a[2])
    if typ == "ShapeOf":
        return np.array(a[0].shape, dtype=NP[data.get("output_type", "i64")])
    if typ == "Gather":
        assert data.get("batch_dims", "0") == "0"
        return np.take(a[0], a[1], axis=int(a[2]))
    if typ == "Concat":
        return np.concatenate(a, axis=int(data["axis"]))
    if typ == "Reshape":
        shape = [int(v) for v in a[1]]
        if data["special_zero"] == "true":
            shape = [a[0].shape[i] if v == 0 else v for i, v in enumerate(shape)]
        return a[0].reshape(shape)
    if typ == "Broadcast":
        assert data.get("mode", "numpy") == "numpy"
        return np.broadcast_to(a[0], np.broadcast_shapes(a[0].shape, tuple(int(v) for v in a[1]))).copy()
    if typ == "StridedSlice":
        return _strided_slice(a[0], a[1], a[2], a[3], data)
    if typ == "Transpose":
        return np.ascontiguousarray(np.transpose(a[0], [int(v) for v in a[1]]))
    if typ == "MatMul":
        x, y = a
        if data.get("transpose_a") == "true":
            x = np.swapaxes(x, -1, -2)
        if data.get("transpose_b") == "true":
            y = np.swapaxes(y, -1, -2)
        return np.matmul(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)
    if typ == "SoftMax":
        ax = int(data["axis"])
        x = a[0].astype(np.float64)
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        return (e / e.sum(axis=ax, keepdims=True)).astype(np.float32)
    if typ == "MVN":
        return _mvn(a[0], a[1], data)
    if typ == "ReduceMean":
        axes = tuple(int(v) for v in np.atleast_1d(a[1]))
        return a[0].mean(axis=axes, keepdims=data.get("keep_dims") == "true", dtype=np.float64).astype(np.float32)
    if typ == "Sqrt":
        return np.sqrt(a[0])
    if typ == "Tanh":
        return np.tanh(a[0])
    if typ == "Erf":
        return torch.erf(torch.from_numpy(np.ascontiguousarray(a[0]))).numpy()
    if typ == "Gelu":
        assert data.get("approximation_mode", "ERF").upper() == "ERF"
        x64 = torch.from_numpy(a[0].astype(np.float64))
        return (x64 * 0.5 * (1.0 + torch.erf(x64 / np.sqrt(2.0)))).numpy().astype(np.float32)
    if typ == "FakeQuantize":
        return _fq(*a, int(data["levels"]))
    raise NotImplementedError(typ)


class Interpreter:
    def __init__(self, xml_path, bin_path):
        root = ET.parse(xml_path).getroot()
        blob = np.memmap(bin_path, dtype=np.uint8, mode="r") if bin_path else None
        self.layers = {}
        self.src = {}
        for L in root.find("layers").findall("layer"):
            d = L.find("data")
            ports = {}
            for sec in ("input", "output"):
                s = L.find(sec)
                if s is not None:
                    for p in s.findall("port"):
                        ports[p.get("id")] = (p.get("precision"), [int(x.text) for x in p.findall("dim")])
            self.layers[L.get("id")] = dict(type=L.get("type"), name=L.get("name"),
                                            data=dict(d.attrib) if d is not None else {}, ports=ports,
                                            n_in=len(L.find("input")) if L.find("input") is not None else 0)
        for e in root.find("edges").findall("edge"):
            self.src[(e.get("to-layer"), e.get("to-port"))] = (e.get("from-layer"), e.get("from-port"))
        self.consts = {}
        for lid, L in self.layers.items():
            if L["type"] == "Const":
                d = L["data"]
                dims = [int(x) for x in d["shape"].split(",")] if d["shape"].strip() else []
                off, size = int(d["offset"]), int(d["size"])
                self.consts[lid] = np.frombuffer(blob[off:off + size].tobytes(),
                                                 dtype=NP[d["element_type"]]).reshape(dims)
        self.order = self._topo()

    def _topo(self):
        deps = {lid: {self.src[(lid, str(i))][0] for i in range(L["n_in"])} for lid, L in self.layers.items()}
        done, order = set(), []
        pending = sorted(self.layers, key=int)
        while pending:
            nxt = []
            for lid in pending:
                if deps[lid] <= done:
                    order.append(lid)
                    done.add(lid)
                else:
                    nxt.append(lid)
            if len(nxt) == len(pending):
                raise ValueError("cycle")
            pending = nxt
        return order

    def run(self, inputs):
        """inputs: Parameter name -> numpy array. Returns Result input values by Result layer name."""
        vals, results = {}, {}
        for lid in self.order:
            L = self.layers[lid]
            t = L["type"]
            if t == "Parameter":
                v = np.asarray(inputs[L["name"]], dtype=NP[L["data"]["element_type"]])
                outs = {"0": v}
            elif t == "Const":
                outs = {"0": self.consts[lid]}
            else:
                ins = [vals[self.src[(lid, str(i))]] for i in range(L["n_in"])]
                if t == "Result":
                    results[L["name"]] = ins[0]
                    continue
                out = _eval(t, L["data"], ins)
                outs = {str(L["n_in"]): out}
            for pid, v in outs.items():
                prec, dims = L["ports"][pid]
                v = np.asarray(v)
                if v.dtype != PREC[prec] or len(dims) != v.ndim or any(
                        d != -1 and d != s for d, s in zip(dims, v.shape)):
                    raise ValueError(f"{t} {L['name']} port {pid}: computed {v.dtype}{list(v.shape)}, "
                                     f"declared {prec}{dims}")
                vals[(lid, pid)] = v
        return results
