"""Integer convolutions split into bands of rows, so their scratch memory stays small.

In WASM, onnxruntime's QLinearConv has no indirect (symmetric) kernel: it lays the whole input
out as an im2col matrix plus an int32 GEMM output (and, for a channels-first node, two transposed
copies). For ISNet's
128 → 64 channel 3×3 convolution at 512² that is 400 MB for one node (288 MB of im2col), and
WebAssembly memory never shrinks: the tab keeps its high-water mark. A convolution of a band of
output rows needs only the input rows under it, so N bands need 1/N of the scratch each, and
the result is the same to the bit (each output pixel is the same integer dot product).

Only stride-1 convolutions whose padding keeps the height ("same" convolutions, all of ISNet's
large ones) are split: their output row r reads input rows r - top .. r + bottom. Channels-first
(ONNX) and channels-last (com.microsoft, what onnxruntime's layout optimisation makes) alike.
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


def wasm_scratch(in_channels: int, out_channels: int, kernel: int, in_pixels: int, out_pixels: int,
                 channels_last: bool) -> int:
    """QLinearConv's scratch bytes on WASM: im2col, int32 GEMM output, NCHW↔NHWC copies."""
    transposes = 0 if channels_last else in_channels * in_pixels + out_channels * out_pixels
    return in_channels * kernel * out_pixels + 4 * out_channels * out_pixels + transposes


def _attributes(node: onnx.NodeProto) -> dict:
    return {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}


def height_axis(node: onnx.NodeProto) -> int:
    """Where the rows are: N, C, H, W, or channels last N, H, W, C."""
    return 1 if _attributes(node).get("channels_last") else 2


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
    x, out, axis = node.input[0], node.output[0], height_axis(node)
    tag = f"{PREFIX}band_{out}"
    n = helper.make_node
    nodes = [
        n("Shape", [x], [tag + "_shape"], start=axis, end=axis + 1),  # the height, [1]
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
        nodes.append(n("Slice", [x, start, end, f"{PREFIX}band_axis_{axis}"], [rows]))
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
        nodes.append(n("QLinearConv", inputs, [part], name=f"{node.name}_band_{i}", domain=node.domain, **band_attrs))
        parts.append(part)
    nodes.append(n("Concat", parts, [out], axis=axis, name=f"{node.name}_bands"))
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
        last = height_axis(node) == 1
        in_shape, out_shape = shapes[node.input[0]], shapes[node.output[0]]
        channels, out_channels = (in_shape[3], out_shape[3]) if last else (in_shape[1], out_shape[1])
        in_pixels, out_pixels = math.prod(in_shape) // channels, math.prod(out_shape) // out_channels
        kernel = math.prod(weights[node.input[3]][2:])
        scratch[node.output[0]] = wasm_scratch(channels, out_channels, kernel, in_pixels, out_pixels, last)
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
    used = {name for node in nodes for name in node.input}
    graph.initializer.extend(copies + [constant for constant in band_constants() if constant.name in used])
    return model


def band_constants() -> list[onnx.TensorProto]:
    """The constants split_node's nodes read: small integers (band numbers, paddings), the axis, the end."""
    return [const(f"band_{value}", [value]) for value in range(0, LARGEST_CONSTANT + 1)] + [
        const("band_axis_1", [1]), const("band_axis_2", [2]), const("band_end", [2**62])]
