"""Standalone structural check of an OpenVINO IR v11 xml+bin pair (no dependency on the writer).

Checks: unique layer ids; every edge joins an existing output port to an existing input port; every
input port has exactly one incoming edge; precision and dims agree along every edge; each Const's
offset+size lies within the .bin, its size equals prod(shape)*itemsize, its shape attribute and
element_type agree with its output port; Parameter shape/element_type agree with its port; the graph
is acyclic and has at least one Result.
"""

import os
import xml.etree.ElementTree as ET

ITEMSIZE = {"f32": 4, "f16": 2, "bf16": 2, "f64": 8, "i64": 8, "i32": 4, "i8": 1, "u8": 1, "boolean": 1,
            "u1": None}
PRECISION = {"f32": "FP32", "f16": "FP16", "bf16": "BF16", "f64": "FP64", "i64": "I64", "i32": "I32",
             "i8": "I8", "u8": "U8", "boolean": "BOOL"}


def _ports(layer, tag):
    sec = layer.find(tag)
    out = {}
    if sec is None:
        return out
    for p in sec.findall("port"):
        dims = [int(d.text) for d in p.findall("dim")]
        out[p.get("id")] = (p.get("precision"), dims)
    return out


def validate_ir(xml_path, bin_path=None):
    """Returns a list of error strings (empty when the IR is consistent)."""
    errs = []
    root = ET.parse(xml_path).getroot()
    if root.tag != "net" or root.get("version") != "11":
        errs.append(f"root is <{root.tag} version={root.get('version')}>, expected <net version=11>")
    bin_size = os.path.getsize(bin_path) if bin_path and os.path.exists(bin_path) else None
    if bin_path and bin_size is None:
        errs.append(f"bin file {bin_path} missing")
    layers = {}
    for L in root.find("layers").findall("layer"):
        lid = L.get("id")
        if lid in layers:
            errs.append(f"duplicate layer id {lid}")
        ins, outs = _ports(L, "input"), _ports(L, "output")
        if set(ins) & set(outs):
            errs.append(f"layer {lid} ({L.get('name')}): port ids shared by input and output")
        layers[lid] = (L, ins, outs)
        typ = L.get("type")
        data = L.find("data")
        if typ == "Const":
            et, shape = data.get("element_type"), data.get("shape")
            off, size = int(data.get("offset")), int(data.get("size"))
            dims = [int(x) for x in shape.split(",")] if shape.strip() else []
            n = 1
            for d in dims:
                n *= d
            if et not in ITEMSIZE or ITEMSIZE[et] is None:
                errs.append(f"Const {L.get('name')}: unsupported element_type {et}")
            elif n * ITEMSIZE[et] != size:
                errs.append(f"Const {L.get('name')}: size {size} != {n}*{ITEMSIZE[et]}")
            if off < 0 or (bin_size is not None and off + size > bin_size):
                errs.append(f"Const {L.get('name')}: region [{off},{off + size}) outside bin of {bin_size}")
            if list(outs) != ["0"]:
                errs.append(f"Const {L.get('name')}: expected one output port 0")
            else:
                prec, pdims = outs["0"]
                if pdims != dims or PRECISION.get(et) != prec:
                    errs.append(f"Const {L.get('name')}: port {prec}{pdims} vs data {et}{dims}")
        elif typ == "Parameter":
            et, shape = data.get("element_type"), data.get("shape")
            dims = [-1 if x.strip() == "?" else int(x) for x in shape.split(",")] if shape.strip() else []
            prec, pdims = outs.get("0", (None, None))
            if pdims != dims or PRECISION.get(et) != prec:
                errs.append(f"Parameter {L.get('name')}: port {prec}{pdims} vs data {et}{dims}")
    incoming = {}
    succ = {lid: [] for lid in layers}
    for e in root.find("edges").findall("edge"):
        fl, fp, tl, tp = e.get("from-layer"), e.get("from-port"), e.get("to-layer"), e.get("to-port")
        where = f"edge {fl}:{fp}->{tl}:{tp}"
        if fl not in layers or tl not in layers:
            errs.append(f"{where}: unknown layer")
            continue
        src = layers[fl][2].get(fp)
        dst = layers[tl][1].get(tp)
        if src is None:
            errs.append(f"{where}: layer {fl} has no output port {fp}")
        if dst is None:
            errs.append(f"{where}: layer {tl} has no input port {tp}")
        if src is not None and dst is not None and src != dst:
            errs.append(f"{where}: {src[0]}{src[1]} feeds {dst[0]}{dst[1]}")
        if (tl, tp) in incoming:
            errs.append(f"{where}: input port already fed")
        incoming[(tl, tp)] = (fl, fp)
        succ[fl].append(tl)
    for lid, (L, ins, _) in layers.items():
        for pid in ins:
            if (lid, pid) not in incoming:
                errs.append(f"layer {lid} ({L.get('name')}): input port {pid} not connected")
    # acyclic (Kahn)
    indeg = {lid: 0 for lid in layers}
    for lid in succ:
        for t in succ[lid]:
            indeg[t] += 1
    ready = [lid for lid, d in indeg.items() if d == 0]
    seen = 0
    while ready:
        lid = ready.pop()
        seen += 1
        for t in succ[lid]:
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    if seen != len(layers):
        errs.append("graph has a cycle")
    if not any(L.get("type") == "Result" for L, _, _ in layers.values()):
        errs.append("no Result layer")
    return errs
