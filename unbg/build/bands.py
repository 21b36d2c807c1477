"""Integer convolutions split into bands of rows, so their scratch memory stays small.

In WASM, onnxruntime's QLinearConv has no indirect (symmetric) kernel: it lays the whole input
out as an im2col matrix plus an int32 GEMM output and two transposed copies. For ISNet's
128 → 64 channel 3×3 convolution at 512² that is 400 MB for one node (288 MB of im2col), and
WebAssembly memory never shrinks: the tab keeps its high-water mark. A convolution of a band of
output rows needs only the input rows under it, so N bands need 1/N of the scratch each, and
the result is the same to the bit (each output pixel is the same integer dot product).

Only stride-1 convolutions whose padding keeps the height ("same" convolutions, all of ISNet's
large ones) are split: their output row r reads input rows r - top .. r + bottom.
"""

from __future__ import annotations

import math

import onnx
from onnx import helper

from ..core.models import MODEL_SIZE
from .nodes import PREFIX, const

SCRATCH_BUDGET = 48 * 2**20  # bytes of QLinearConv scratch per band at the full working size
MAX_BANDS = 8  # at the smallest working size (64) a 512²-level map is 32 rows: ≥ 4 rows a band
LARGEST_CONSTANT = 16  # band_constants(): 0 .. 16, for band numbers and paddings


def wasm_scratch(in_channels: int, out_channels: int, kernel: int, in_pixels: int, out_pixels: int) -> int:
    """QLinearConv's scratch bytes on WASM: im2col, int32 GEMM output, NCHW↔NHWC copies."""
    return in_channels * kernel * out_pixels + 4 * out_channels * out_pixels + in_channels * in_pixels + out_channels * out_pixels


def _attributes(node: onnx.NodeProto) -> dict:
    return {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}


def splittable(node: onnx.NodeProto) -> bool:
    """A 2-D QLinearConv of stride 1 whose padding keeps the height (output row r ↔ input rows r − top ..)."""
    if node.op_type != "QLinearConv":
        return False
    attrs = _attributes(node)
    kernel = attrs.get("kernel_shape", [])
    if len(kernel) != 2 or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        return False
    top, _, bottom, _ = attrs.get("pads", [0, 0, 0, 0])
    dilation = attrs.get("dilations", [1, 1])[0]
    return (attrs.get("strides", [1, 1]) == [1, 1] and top + bottom == dilation * (kernel[0] - 1)
            and max(top, bottom) <= LARGEST_CONSTANT)


def band_count(scratch: int) -> int:
    return min(MAX_BANDS, max(1, math.ceil(scratch / SCRATCH_BUDGET)))


WEIGHT_INPUTS = (3, 4, 5, 8)  # QLinearConv's w, w_scale, w_zero_point, bias


def split_node(node: onnx.NodeProto, bands: int, initializers: dict[str, onnx.TensorProto]
               ) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
    """``node`` as ``bands`` QLinearConvs over bands of output rows, concatenated along the height,
    and the copies of its weights the bands after the first use.

    Each band has weights of its own: native onnxruntime's exact integer path
    (session.x64quantprecision) rewrites each convolution's weights under a name made from theirs,
    and fails on weights two nodes share. They are small where convolutions are split (≤ 150 kB).
    """
    attrs = _attributes(node)
    top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
    x, out = node.input[0], node.output[0]
    tag = f"{PREFIX}band_{out}"
    n = helper.make_node
    nodes = [
        n("Shape", [x], [tag + "_shape"], start=2, end=3),  # the height, [1]
    ]
    # Band i covers output rows [b_i, b_i+1), b_i = height · i / bands.
    edges = [f"{PREFIX}band_0"]
    for i in range(1, bands):
        nodes += [
            n("Mul", [tag + "_shape", f"{PREFIX}band_{i}"], [f"{tag}_{i}_scaled"]),
            n("Div", [f"{tag}_{i}_scaled", f"{PREFIX}band_{bands}"], [f"{tag}_edge_{i}"]),
        ]
        edges.append(f"{tag}_edge_{i}")
    edges.append(f"{PREFIX}band_end")
    parts, copies = [], []
    for i in range(bands):
        first, last = i == 0, i == bands - 1
        start, end = edges[i], edges[i + 1]
        if not first and top:  # the rows above the band that its top row reads
            nodes.append(n("Sub", [start, f"{PREFIX}band_{top}"], [f"{tag}_{i}_start"]))
            start = f"{tag}_{i}_start"
        if not last and bottom:
            nodes.append(n("Add", [end, f"{PREFIX}band_{bottom}"], [f"{tag}_{i}_end"]))
            end = f"{tag}_{i}_end"
        rows = f"{tag}_{i}_rows"
        nodes.append(n("Slice", [x, start, end, f"{PREFIX}band_axis"], [rows]))
        pads = [top if first else 0, left, bottom if last else 0, right]
        band_attrs = {**attrs, "pads": pads}
        part = f"{tag}_{i}"
        inputs = [rows, *node.input[1:]]
        for index in WEIGHT_INPUTS:
            if i and index < len(inputs) and inputs[index] in initializers:
                copy = onnx.TensorProto()
                copy.CopyFrom(initializers[inputs[index]])
                copy.name = inputs[index] = f"{inputs[index]}_band_{i}"
                copies.append(copy)
        nodes.append(n("QLinearConv", inputs, [part], name=f"{node.name}_band_{i}", **band_attrs))
        parts.append(part)
    nodes.append(n("Concat", parts, [out], axis=2, name=f"{node.name}_bands"))
    return nodes, copies


def scratch_by_node(model: onnx.ModelProto) -> dict[str, int]:
    """Each QLinearConv's WASM scratch at the full working size, from one run of the model."""
    import numpy as np
    import onnxruntime as ort  # build-time only

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    convs = [node for node in probe.graph.node if node.op_type == "QLinearConv"]
    names = sorted({node.input[0] for node in convs} | {node.output[0] for node in convs})
    probe.graph.output.extend(helper.make_value_info(name, onnx.TypeProto()) for name in names)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    feeds = {"rgba": np.zeros((MODEL_SIZE, MODEL_SIZE, 4), np.uint8), "size": np.array([MODEL_SIZE, MODEL_SIZE]),
             "views": np.array([1])}
    shapes = dict(zip(names, (value.shape for value in session.run(names, feeds))))
    weights = {init.name: list(init.dims) for init in model.graph.initializer}
    scratch = {}
    for node in convs:
        (_, channels, in_h, in_w), (_, out_channels, out_h, out_w) = shapes[node.input[0]], shapes[node.output[0]]
        kernel = math.prod(weights[node.input[3]][2:])
        scratch[node.output[0]] = wasm_scratch(channels, out_channels, kernel, in_h * in_w, out_h * out_w)
    return scratch


def split_convolutions(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` with each splittable QLinearConv over SCRATCH_BUDGET split into bands of rows."""
    scratch = scratch_by_node(model)
    initializers = {init.name: init for init in model.graph.initializer}
    nodes, copies = [], []
    for node in model.graph.node:
        bands = band_count(scratch.get(node.output[0], 0)) if splittable(node) else 1
        if bands > 1:
            band_nodes, band_weights = split_node(node, bands, initializers)
            nodes += band_nodes
            copies += band_weights
        else:
            nodes.append(node)
    if len(nodes) == len(model.graph.node):
        return model
    graph = model.graph
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(copies + band_constants())
    return model


def band_constants() -> list[onnx.TensorProto]:
    """The constants split_node's nodes read: small integers (band numbers, paddings), the axis, the end."""
    return [const(f"band_{value}", [value]) for value in range(0, LARGEST_CONSTANT + 1)] + [
        const("band_axis", [2]), const("band_end", [2**62])]
