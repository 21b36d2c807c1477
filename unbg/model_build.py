"""Build the pipeline models from the ISNet weights of @imgly/background-removal-data.

A pipeline model takes RGBA uint8 [H, W, 4] of any size and returns ``alpha``
uint8 [H, W], ``cutout`` uint8 [H, W, 4] and ``colour`` (the cut-out's colours,
opaque, for an editor): the whole path from pixels to mask lives in one graph,
so the browser and native engines agree.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Callable

import onnx
from onnx import TensorProto, helper, numpy_helper

import numpy as np

from .models import MODEL_SIZE, ModelChoice

OPSET = 18  # Resize with antialias needs 18; ISNet itself is opset 15 and unchanged by it
PREFIX = "unbg_"
# Levels on ISNet's mask m: alpha = (m - pivot) * GAIN + 0.5, clipped to 0..1. Measured with
# `python -m unbg eval` on ../shared/eval: the gain firms up soft edges and faint fine structure
# (MAE 0.065 → 0.053); ISNet medium marks thin foreground weakly, so the pivot sits below 0.5.
GAIN = 3.0
PIVOT = 0.35
# Foreground colour estimation (blur-fusion, Forte & Pitié 2021) for the semi-transparent edge:
# box radii of its two passes, at half the working size. The wide pass works on an 8× smaller
# copy (a box there of radius r covers 8r pixels), the narrow one in place.
FOREGROUND_WIDE = 4
FOREGROUND_NARROW = 3
FOREGROUND_SHRINK = 8


class ModelDataError(Exception):
    """The model data package is missing or does not match its resources.json."""


def assemble_isnet(data_dir: Path, name: str) -> bytes:
    """Join the content-hashed chunks of ``/models/<name>`` and verify them."""
    resources = json.loads((data_dir / "resources.json").read_text())
    entry = resources.get(f"/models/{name}")
    if entry is None:
        raise ModelDataError(f"no /models/{name} in {data_dir / 'resources.json'}")
    parts = []
    for chunk in entry["chunks"]:
        data = (data_dir / chunk["hash"]).read_bytes()
        start, end = chunk["offsets"]
        if len(data) != end - start or hashlib.sha256(data).hexdigest() != chunk["hash"]:
            raise ModelDataError(f"chunk {chunk['hash']} of /models/{name} is corrupt")
        parts.append(data)
    model = b"".join(parts)
    if len(model) != entry["size"]:
        raise ModelDataError(f"/models/{name} is {len(model)} bytes, expected {entry['size']}")
    return model


def _needed_nodes(graph: onnx.GraphProto, outputs: list[str]) -> list[onnx.NodeProto]:
    """The nodes that ``outputs`` depend on, in topological order.

    ISNet medium's nodes are not sorted, and 11 side outputs only matter in training.
    """
    producer = {out: node for node in graph.node for out in node.output}
    ordered: list[onnx.NodeProto] = []
    seen: set[int] = set()
    stack = [(producer[name], False) for name in outputs]
    while stack:
        node, inputs_done = stack.pop()
        if id(node) in seen:
            continue
        if inputs_done:
            seen.add(id(node))
            ordered.append(node)
            continue
        stack.append((node, True))
        for name in node.input:
            parent = producer.get(name)
            if parent is not None and id(parent) not in seen:
                stack.append((parent, False))
    return ordered


def main_output_only(isnet: onnx.ModelProto) -> onnx.ModelProto:
    """ISNet without the side outputs (and the nodes only they need)."""
    graph = isnet.graph
    nodes = _needed_nodes(graph, ["output"])
    used = {name for node in nodes for name in node.input}
    model = helper.make_model(
        helper.make_graph(nodes, graph.name, list(graph.input), [o for o in graph.output if o.name == "output"],
                          initializer=[init for init in graph.initializer if init.name in used]),
        opset_imports=list(isnet.opset_import))
    model.ir_version = isnet.ir_version
    return model


def _resolution_free(nodes: list[onnx.NodeProto]) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
    """Make ISNet run at any multiple of 64, not only 1024².

    The export baked each ``upsample_like`` target size in as a constant [a, a] (a = 1024 / 2^k);
    compute it from the ``size`` input instead: size // (1024 / a).
    """
    consumers: dict[str, list[str]] = {}
    for node in nodes:
        for name in node.input:
            consumers.setdefault(name, []).append(node.op_type)
    out, divisors = [], {}
    for node in nodes:
        value = numpy_helper.to_array(node.attribute[0].t) if node.op_type == "Constant" and node.attribute else None
        if (value is not None and value.dtype == np.int64 and value.shape == (2,) and value[0] == value[1]
                and MODEL_SIZE % value[0] == 0 and set(consumers.get(node.output[0], [])) == {"Concat"}):
            factor = MODEL_SIZE // int(value[0])
            divisors.setdefault(factor, _const(f"divide_by_{factor}", [factor, factor]))
            out.append(helper.make_node("Div", ["size", divisors[factor].name], list(node.output), name=node.name))
        else:
            out.append(node)
    return out, list(divisors.values())


def _const(name: str, value, dtype=np.int64) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), PREFIX + name)


def _foreground() -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
    """Estimate the subject's own colour F where the alpha is partial → ``unbg_rgb_out`` [H, W, 3].

    A semi-transparent pixel of the photo is I = αF + (1 − α)B: it carries the old background B.
    Blur-fusion solves for F from blurred estimates F̄ and B̄ around it, twice (a wide pass, then
    a narrow one seeded with the first). The blurs run at half the working size; the narrow
    pass's last step, F = F̄ + α(I − αF̄ − (1 − α)B̄), runs at full size on the pixels where
    0 < alpha < 255 only, with their own I and α. So F tends to I as α tends to 1: a nearly
    opaque pixel keeps its detail, and the edge has no seam where the alpha reaches 255.
    Every other pixel keeps the photo's colour.
    """
    p = PREFIX
    n = helper.make_node
    inits = [
        _const("fg_two", [2, 2]),
        _const("fg_eps", 1e-4, np.float32),
        _const("fg_one_f", 1.0, np.float32),
        _const("fg_unit", 1 / 255, np.float32),
        _const("fg_stack_channels", [1, 7]),
        _const("fg_flat", [6, -1]),
        _const("fg_xy", [1, 0]),
        _const("fg_half", 0.5, np.float32),
        _const("fg_grid_shape", [1, 1, -1, 2]),
        _const("u8_zero", 0, np.uint8),
        _const("u8_full", 255, np.uint8),
        _const("fg_split", [1, 3, 3]),
        _const("fg_split_fb", [3, 3]),
    ]
    shrink, wide, narrow = FOREGROUND_SHRINK, FOREGROUND_WIDE, FOREGROUND_NARROW

    def box(x: str, out: str, radius: int) -> list[onnx.NodeProto]:
        k = 2 * radius + 1
        return [
            n("AveragePool", [x], [out + "_h"], kernel_shape=[k, 1], pads=[radius, 0, radius, 0], count_include_pad=0),
            n("AveragePool", [out + "_h"], [out], kernel_shape=[1, k], pads=[0, radius, 0, radius], count_include_pad=0),
        ]

    def means(stack: str, tag: str) -> list[onnx.NodeProto]:
        """From the blurred stack [α, Fα, B(1 − α)]: F̄ (``<tag>_f``) and B̄ (``<tag>_b``)."""
        t = p + tag
        return [
            n("Split", [stack, p + "fg_split"], [t + "_a", t + "_fa", t + "_b1a"], axis=1),
            n("Add", [t + "_a", p + "fg_eps"], [t + "_a_eps"]),
            n("Div", [t + "_fa", t + "_a_eps"], [t + "_f"]),
            n("Sub", [p + "fg_one_f", t + "_a"], [t + "_1a"]),
            n("Add", [t + "_1a", p + "fg_eps"], [t + "_1a_eps"]),
            n("Div", [t + "_b1a", t + "_1a_eps"], [t + "_b"]),
        ]

    def fuse(f: str, b: str, image: str, alpha: str, out: str) -> list[onnx.NodeProto]:
        """F = F̄ + α(I − αF̄ − (1 − α)B̄), clipped to 0..1."""
        return [
            n("Sub", [p + "fg_one_f", alpha], [out + "_1a"]),
            n("Mul", [alpha, f], [out + "_af"]),
            n("Mul", [out + "_1a", b], [out + "_ib"]),
            n("Sub", [image, out + "_af"], [out + "_r1"]),
            n("Sub", [out + "_r1", out + "_ib"], [out + "_residual"]),
            n("Mul", [alpha, out + "_residual"], [out + "_correction"]),
            n("Add", [f, out + "_correction"], [out + "_raw"]),
            n("Clip", [out + "_raw", p + "zero", p + "fg_one_f"], [out]),
        ]

    nodes = [
        n("Div", ["size", p + "fg_two"], [p + "fg_hw"]),
        n("Concat", [p + "one", p + "fg_hw", p + "four"], [p + "fg_rgba_size"], axis=0),
        n("Concat", [p + "batch_channel", p + "fg_hw"], [p + "fg_size"], axis=0),
        n("Concat", [p + "fg_stack_channels", p + "fg_hw"], [p + "fg_stack_size"], axis=0),
        # The photo I and the alpha A at half the working size, in 0..1, [1, C, h, w].
        n("Resize", [p + "small", "", "", p + "fg_rgba_size"], [p + "fg_rgba"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        n("Slice", [p + "fg_rgba", p + "rgb_start", p + "rgb_end", p + "axis_last"], [p + "fg_rgb"]),
        n("Cast", [p + "fg_rgb"], [p + "fg_rgb_f"], to=TensorProto.FLOAT),
        n("Mul", [p + "fg_rgb_f", p + "fg_unit"], [p + "fg_rgb_unit"]),
        n("Transpose", [p + "fg_rgb_unit"], [p + "fg_I"], perm=[0, 3, 1, 2]),
        n("Resize", [p + "levelled", "", "", p + "fg_size"], [p + "fg_alpha_255"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        n("Clip", [p + "fg_alpha_255", p + "zero", p + "to_255"], [p + "fg_alpha_clipped"]),
        n("Mul", [p + "fg_alpha_clipped", p + "fg_unit"], [p + "fg_A"]),
        n("Sub", [p + "fg_one_f", p + "fg_A"], [p + "fg_inv_alpha"]),
        # Wide pass: F = B = I, blurred on an 8× smaller copy and resized back.
        n("Mul", [p + "fg_I", p + "fg_A"], [p + "w_fa_in"]),
        n("Mul", [p + "fg_I", p + "fg_inv_alpha"], [p + "w_b1a_in"]),
        n("Concat", [p + "fg_A", p + "w_fa_in", p + "w_b1a_in"], [p + "w_stack"], axis=1),
        n("AveragePool", [p + "w_stack"], [p + "w_stack_small"], kernel_shape=[shrink, shrink], strides=[shrink, shrink]),
        *box(p + "w_stack_small", p + "w_blur_small", wide),
        n("Resize", [p + "w_blur_small", "", "", p + "fg_stack_size"], [p + "w_blur"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        *means(p + "w_blur", "w"),
        *fuse(p + "w_f", p + "w_b", p + "fg_I", p + "fg_A", p + "w_fg"),
        # Narrow pass, seeded with the wide pass's F and B̄: its means, at half the working size.
        n("Mul", [p + "w_fg", p + "fg_A"], [p + "n_fa_in"]),
        n("Mul", [p + "w_b", p + "fg_inv_alpha"], [p + "n_b1a_in"]),
        n("Concat", [p + "fg_A", p + "n_fa_in", p + "n_b1a_in"], [p + "n_stack"], axis=1),
        *box(p + "n_stack", p + "n_blur", narrow),
        *means(p + "n_blur", "n"),
        n("Concat", [p + "n_f", p + "n_b"], [p + "n_means"], axis=1),
        # The partial pixels of the full-size photo: where, their I and their α, as [N, C].
        n("Greater", ["alpha", p + "u8_zero"], [p + "above_zero"]),
        n("Less", ["alpha", p + "u8_full"], [p + "below_full"]),
        n("And", [p + "above_zero", p + "below_full"], [p + "partial"]),
        n("NonZero", [p + "partial"], [p + "partial_yx_t"]),
        n("Transpose", [p + "partial_yx_t"], [p + "partial_yx"], perm=[1, 0]),
        n("GatherND", [p + "rgb", p + "partial_yx"], [p + "edge_rgb_u8"]),
        n("Cast", [p + "edge_rgb_u8"], [p + "edge_rgb_f"], to=TensorProto.FLOAT),
        n("Mul", [p + "edge_rgb_f", p + "fg_unit"], [p + "edge_I"]),
        n("GatherND", [p + "alpha_hw1", p + "partial_yx"], [p + "edge_alpha_u8"]),
        n("Cast", [p + "edge_alpha_u8"], [p + "edge_alpha_f"], to=TensorProto.FLOAT),
        n("Mul", [p + "edge_alpha_f", p + "fg_unit"], [p + "edge_A"]),
        # F̄ and B̄ there, interpolated like a half_pixel Resize: GridSample at ((x, y) + 0.5) / (W, H) · 2 − 1.
        n("Gather", [p + "partial_yx", p + "fg_xy"], [p + "partial_xy"], axis=1),
        n("Cast", [p + "partial_xy"], [p + "partial_xy_f"], to=TensorProto.FLOAT),
        n("Add", [p + "partial_xy_f", p + "fg_half"], [p + "partial_centres"]),
        n("Gather", [p + "hw", p + "fg_xy"], [p + "wh"], axis=0),
        n("Cast", [p + "wh"], [p + "wh_f"], to=TensorProto.FLOAT),
        n("Div", [p + "fg_two_f", p + "wh_f"], [p + "grid_scale"]),
        n("Mul", [p + "partial_centres", p + "grid_scale"], [p + "grid_0_2"]),
        n("Sub", [p + "grid_0_2", p + "fg_one_f"], [p + "grid_flat"]),
        n("Reshape", [p + "grid_flat", p + "fg_grid_shape"], [p + "grid"]),
        n("GridSample", [p + "n_means", p + "grid"], [p + "edge_means_4d"], mode="bilinear",
          padding_mode="border", align_corners=0),
        n("Reshape", [p + "edge_means_4d", p + "fg_flat"], [p + "edge_means_t"]),
        n("Transpose", [p + "edge_means_t"], [p + "edge_means"], perm=[1, 0]),
        n("Split", [p + "edge_means", p + "fg_split_fb"], [p + "edge_f", p + "edge_b"], axis=1),
        *fuse(p + "edge_f", p + "edge_b", p + "edge_I", p + "edge_A", p + "edge_fg"),
        # F to uint8, written over the photo's colours at the partial pixels.
        n("Mul", [p + "edge_fg", p + "to_255"], [p + "edge_fg_255"]),
        n("Round", [p + "edge_fg_255"], [p + "edge_fg_rounded"]),
        n("Cast", [p + "edge_fg_rounded"], [p + "edge_fg_u8"], to=TensorProto.UINT8),
        n("ScatterND", [p + "rgb", p + "partial_yx", p + "edge_fg_u8"], [p + "rgb_out"]),
    ]
    inits.append(_const("fg_two_f", 2.0, np.float32))
    return nodes, inits


def _mirrored(x: str, out: str) -> list[onnx.NodeProto]:
    """``x`` [N, C, H, W] mirrored left to right."""
    p = PREFIX
    return [helper.make_node("Slice", [x, p + "minus_one", p + "before_first", p + "axis3", p + "minus_one"], [out])]


def pipeline_model(isnet: onnx.ModelProto, pivot: float = PIVOT, foreground: bool = True) -> onnx.ModelProto:
    """Wrap ISNet in pre- and post-processing: RGBA uint8 in; alpha, cut-out and colour out.

    Inputs: ``rgba``; ``size``, the working size [h, w]; ``views``, 1, or 2 to also show ISNet the
    photo mirrored and average the two masks (better edges for twice the work).
    ``pivot`` is the mask value that becomes alpha 0.5 (see GAIN and PIVOT); ``foreground`` estimates
    the subject's colour on the semi-transparent edge (see _foreground).
    """
    p = PREFIX
    n = helper.make_node
    # The resolution ISNet sees is an input (onnxruntime-web cannot override initializers):
    # one model file serves the full pass at MODEL_SIZE² and a quick low-resolution preview.
    inits = [
        _const("axis0", [0]),
        _const("axes01", [0, 1]),
        _const("zero_i", [0]),
        _const("two_i", [2]),
        _const("minus_one", [-1]),
        _const("before_first", [np.iinfo(np.int64).min]),
        _const("axis3", [3]),
        _const("axis_last", [-1]),
        _const("one", [1]),
        _const("four", [4]),
        _const("rgb_start", [0]),
        _const("rgb_end", [3]),
        _const("hw_start", [0]),
        _const("hw_end", [2]),
        _const("batch_channel", [1, 1]),
        _const("scale", 1 / 255, np.float32),
        _const("offset", 0.5, np.float32),
        _const("levels_scale", 255 * GAIN, np.float32),
        _const("levels_offset", 255 * (0.5 - GAIN * pivot), np.float32),
        _const("to_255", 255, np.float32),
        _const("zero", 0, np.float32),
        _const("u8_opaque", 255, np.uint8),
    ]
    pre = [
        # Shrink while still uint8 [1, H, W, 4]: a 12 MP photo never becomes float.
        n("Unsqueeze", ["rgba", p + "axis0"], [p + "batch"]),
        n("Concat", [p + "one", "size", p + "four"], [p + "small_size"], axis=0),
        n("Resize", [p + "batch", "", "", p + "small_size"], [p + "small"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        n("Slice", [p + "small", p + "rgb_start", p + "rgb_end", p + "axis_last"], [p + "small_rgb"]),
        n("Cast", [p + "small_rgb"], [p + "small_float"], to=TensorProto.FLOAT),
        n("Mul", [p + "small_float", p + "scale"], [p + "scaled"]),
        n("Sub", [p + "scaled", p + "offset"], [p + "centred"]),
        n("Transpose", [p + "centred"], [p + "view"], perm=[0, 3, 1, 2]),
        # ISNet sees the photo once, or (views = 2) also mirrored, as a batch of two.
        *_mirrored(p + "view", p + "view_mirrored"),
        n("Concat", [p + "view", p + "view_mirrored"], [p + "both_views"], axis=0),
        n("Slice", [p + "both_views", p + "zero_i", "views", p + "axis0"], ["input"]),
    ]
    post = [
        n("Shape", ["rgba"], [p + "rgba_shape"]),
        n("Slice", [p + "rgba_shape", p + "hw_start", p + "hw_end", p + "axis0"], [p + "hw"]),
        n("Concat", [p + "batch_channel", p + "hw"], [p + "full_size"], axis=0),
        # The mean of the views' masks, the mirrored one mirrored back (one view: its mask, exactly).
        n("Slice", ["output", p + "zero_i", p + "one", p + "axis0"], [p + "first_mask"]),
        n("Slice", ["output", p + "one", p + "two_i", p + "axis0"], [p + "second_mask_mirrored"]),
        *_mirrored(p + "second_mask_mirrored", p + "second_mask"),
        n("Concat", [p + "first_mask", p + "second_mask"], [p + "masks"], axis=0),
        n("ReduceMean", [p + "masks", p + "axis0"], [p + "mask"], keepdims=1),
        # Levels (and the scale to 0..255) at 1024², before the resize: both are linear, so they commute.
        n("Mul", [p + "mask", p + "levels_scale"], [p + "gained"]),
        n("Add", [p + "gained", p + "levels_offset"], [p + "levelled"]),
    ]
    post += [
        n("Resize", [p + "levelled", "", "", p + "full_size"], [p + "full_255"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        n("Clip", [p + "full_255", p + "zero", p + "to_255"], [p + "clipped"]),
        # Round first: Cast truncates, which would bias every pixel down by half a step.
        n("Round", [p + "clipped"], [p + "rounded"]),
        n("Cast", [p + "rounded"], [p + "alpha_4d"], to=TensorProto.UINT8),
        n("Squeeze", [p + "alpha_4d", p + "axes01"], ["alpha"]),
        n("Slice", ["rgba", p + "rgb_start", p + "rgb_end", p + "axis_last"], [p + "rgb"]),
        n("Unsqueeze", ["alpha", p + "axis_last"], [p + "alpha_hw1"]),
    ]
    if foreground:
        fg_nodes, fg_inits = _foreground()
        post += fg_nodes
        inits += fg_inits
    colour = p + ("rgb_out" if foreground else "rgb")
    post += [
        n("Concat", [colour, p + "alpha_hw1"], ["cutout"], axis=-1),
        # The same colours, opaque: what an editor paints its own mask over.
        n("Concat", [p + "hw", p + "one"], [p + "hw1"], axis=0),
        n("Expand", [p + "u8_opaque", p + "hw1"], [p + "opaque"]),
        n("Concat", [colour, p + "opaque"], ["colour"], axis=-1),
    ]
    isnet = main_output_only(isnet)
    body, divisors = _resolution_free(list(isnet.graph.node))
    inits += divisors
    weights = list(isnet.graph.initializer)
    graph = helper.make_graph(
        pre + body + post,
        "unbg_pipeline",
        [
            helper.make_tensor_value_info("rgba", TensorProto.UINT8, ["height", "width", 4]),
            helper.make_tensor_value_info("size", TensorProto.INT64, [2]),
            helper.make_tensor_value_info("views", TensorProto.INT64, [1]),
        ],
        [
            helper.make_tensor_value_info("alpha", TensorProto.UINT8, ["height", "width"]),
            helper.make_tensor_value_info("cutout", TensorProto.UINT8, ["height", "width", 4]),
            helper.make_tensor_value_info("colour", TensorProto.UINT8, ["height", "width", 4]),
        ],
        initializer=inits + weights,
    )
    opsets = [o for o in isnet.opset_import if o.domain not in ("", "ai.onnx")]
    opsets.append(helper.make_opsetid("", OPSET))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="unbg")
    model.ir_version = isnet.ir_version
    onnx.checker.check_model(model)
    return model


def runs_at_any_size(model: onnx.ModelProto) -> bool:
    """Whether ``size`` may be fed (see _resolution_free)."""
    return any(init.name.startswith(PREFIX + "divide_by_") for init in model.graph.initializer)


def optimised_offline(model: onnx.ModelProto) -> onnx.ModelProto:
    """onnxruntime's graph optimisation, done once here instead of in every visitor's browser.

    The extended level fuses each QuantizeLinear/DequantizeLinear pair around a Conv or
    Concat (or Add, Sigmoid) into one integer operator (QLinearConv, QLinearConcat, ...):
    1371 nodes become 578.
    The browser then creates the session with optimisation off (fast: 0.47-0.61 s instead of
    0.70-1.00 s on a returning visit), and native onnxruntime gives the same alpha bit for bit.
    The "all" level is not used: its layouts are specific to x86.
    """
    import onnxruntime as ort  # build-time only; the native engine imports it anyway

    with tempfile.TemporaryDirectory() as tmp:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(Path(tmp) / "optimised.onnx")
        options.log_severity_level = 3
        ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        return onnx.load(options.optimized_model_filepath)


def build_pipeline(data_dir: Path, choice: ModelChoice, out: Path,
                   calibration_photos: Callable[[], list[np.ndarray]]) -> dict:
    """Write the pipeline model of ``choice`` to ``out``; int8 models are calibrated on the photos.

    Returns what the page needs to know of it: ``preview``, whether it runs at other working
    sizes than 1024² (for a quick preview); ``optimised``, whether onnxruntime's graph
    optimisation is already done (the browser then skips it).
    """
    isnet = onnx.load_from_string(assemble_isnet(data_dir, choice.isnet))
    if choice.int8:
        from .quantize import quantize_isnet

        isnet = quantize_isnet(main_output_only(isnet), calibration_photos())
    model = pipeline_model(isnet)
    preview = runs_at_any_size(model)
    # Only int8 models: for float16 weights the optimiser folds their Casts to float32, which
    # would double the download.
    optimised = choice.int8
    if optimised:
        model = optimised_offline(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(model.SerializeToString())
    tmp.replace(out)
    return {"preview": preview, "optimised": optimised}
