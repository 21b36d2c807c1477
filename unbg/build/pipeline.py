"""Build the pipeline models from the ISNet weights of @imgly/background-removal-data.

A pipeline model takes RGBA uint8 [H, W, 4] of any size and returns ``alpha``
uint8 [H, W] and the subject's own colours on its semi-transparent edge: the whole
path from pixels to mask lives in one graph, so the browser and native engines agree.
The cut-out is the photo with that alpha and those edge colours laid on it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

import onnx
from onnx import TensorProto, helper

import numpy as np

from ..core.models import ModelChoice
from .bands import split_convolutions
from .float32 import float32_compute
from .foreground import foreground_nodes
from .isnet import assemble_isnet, main_output_only, resolution_free
from .nodes import PREFIX, const
from .transposes import transposes_before_dequantize

OPSET = 18  # Resize with antialias needs 18; ISNet itself is opset 15 and unchanged by it
# Levels on ISNet's mask m: alpha = (m - pivot) * GAIN + 0.5, clipped to 0..1. Measured with
# `python -m unbg eval` on ../shared/eval: the gain firms up soft edges and faint fine structure
# (MAE 0.065 → 0.053); ISNet medium marks thin foreground weakly, so the pivot sits below 0.5.
GAIN = 3.0
PIVOT = 0.35
def _mirrored(x: str, out: str) -> list[onnx.NodeProto]:
    """``x`` [N, C, H, W] mirrored left to right."""
    p = PREFIX
    return [helper.make_node("Slice", [x, p + "minus_one", p + "before_first", p + "axis3", p + "minus_one"], [out])]


def pipeline_model(isnet: onnx.ModelProto, pivot: float = PIVOT) -> onnx.ModelProto:
    """Wrap ISNet in pre- and post-processing: RGBA uint8 in; the alpha and the edge's colours out.

    Inputs: ``rgba``; ``size``, the working size [h, w]; ``views``, 1, or 2 to also show ISNet the
    photo mirrored and average the two masks (better edges for twice the work).
    Outputs: ``alpha`` [H, W]; ``edge_index`` [N] int32, the semi-transparent pixels (y · W + x),
    and ``edge_colour`` [N, 3], the subject's own colour estimated there (see foreground.py).
    The cut-out is the photo with that alpha and those colours (compose_cutout): the graph makes
    no full-size RGBA of its own, which onnxruntime's WASM heap would keep (48 MB each at 12 MP).
    ``pivot`` is the mask value that becomes alpha 0.5 (see GAIN and PIVOT).
    """
    p = PREFIX
    n = helper.make_node
    # The resolution ISNet sees is an input (onnxruntime-web cannot override initializers):
    # one model file serves the full pass at MODEL_SIZE² and a quick low-resolution preview.
    inits = [
        const("axis0", [0]),
        const("axes01", [0, 1]),
        const("zero_i", [0]),
        const("two_i", [2]),
        const("minus_one", [-1]),
        const("before_first", [np.iinfo(np.int64).min]),
        const("axis3", [3]),
        const("axis_last", [-1]),
        const("one", [1]),
        const("four", [4]),
        const("rgb_start", [0]),
        const("rgb_end", [3]),
        const("hw_start", [0]),
        const("hw_end", [2]),
        const("batch_channel", [1, 1]),
        const("scale", 1 / 255, np.float32),
        const("offset", 0.5, np.float32),
        const("levels_scale", 255 * GAIN, np.float32),
        const("levels_offset", 255 * (0.5 - GAIN * pivot), np.float32),
        const("to_255", 255, np.float32),
        const("zero", 0, np.float32),
        const("one_f", 1.0, np.float32),
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
        n("Resize", [p + "levelled", "", "", p + "full_size"], [p + "full_255"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        # To uint8 in one step: QuantizeLinear rounds half to even and saturates, as Round then Clip
        # then Cast would, with one full-size float (48 MB at 12 MP) instead of three.
        n("QuantizeLinear", [p + "full_255", p + "one_f", p + "u8_zero"], [p + "alpha_4d"]),
        n("Squeeze", [p + "alpha_4d", p + "axes01"], ["alpha"]),
    ]
    fg_nodes, fg_inits = foreground_nodes()
    post += fg_nodes
    inits += fg_inits
    isnet = main_output_only(isnet)
    body, divisors = resolution_free(list(isnet.graph.node))
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
            helper.make_tensor_value_info("edge_index", TensorProto.INT32, ["edge_pixels"]),
            helper.make_tensor_value_info("edge_colour", TensorProto.UINT8, ["edge_pixels", 3]),
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
    """Whether ``size`` may be fed (see isnet.resolution_free)."""
    return any(init.name.startswith(PREFIX + "divide_by_") for init in model.graph.initializer)


def optimised_offline(model: onnx.ModelProto) -> onnx.ModelProto:
    """onnxruntime's graph optimisation, done once here instead of in every visitor's browser.

    The extended level fuses each QuantizeLinear/DequantizeLinear pair around a Conv or
    Concat (or Add, Sigmoid) into one integer operator (QLinearConv, QLinearConcat, ...):
    1371 nodes become 578.
    The browser then creates the session with optimisation off (fast: 0.47-0.61 s instead of
    0.70-1.00 s on a returning visit), and native onnxruntime gives the same alpha bit for bit.
    The layout level runs too, less its NCHWc blocks (their width is this CPU's vector width):
    integer convolutions become channels-last (com.microsoft QLinearConv), with no transposes
    around each one; in WASM the int8 model runs 8-9 % faster (1 MP: 3.80 → 3.50 s, Node, 2 threads).
    """
    import onnxruntime as ort  # build-time only; the native engine imports it anyway

    with tempfile.TemporaryDirectory() as tmp:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = str(Path(tmp) / "optimised.onnx")
        options.log_severity_level = 3
        ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"],
                             disabled_optimizers=["NchwcTransformer"])
        return onnx.load(options.optimized_model_filepath)


def build_pipeline(data_dir: Path, choice: ModelChoice, out: Path,
                   calibration_photos: Callable[[], list[np.ndarray]]) -> dict:
    """Write the pipeline model of ``choice`` to ``out``; int8 models are calibrated on the photos.

    Returns what the page needs to know of it: ``preview``, whether it runs at other working
    sizes than 1024² (for a quick preview); ``optimised``, whether onnxruntime's graph
    optimisation is already done (the browser then skips it); ``gpu``, whether a page with
    WebGPU runs it there.
    """
    isnet = onnx.load_from_string(assemble_isnet(data_dir, choice.isnet))
    if choice.int8:
        from .quantize import quantize_isnet

        isnet = quantize_isnet(main_output_only(isnet), calibration_photos())
    else:
        isnet = float32_compute(isnet)  # runs on any WebGPU adapter; on the CPU as it did
    model = pipeline_model(isnet)
    preview = runs_at_any_size(model)
    # Only int8 models: for float16 weights the optimiser folds their Casts to float32, which
    # would double the download.
    optimised = choice.int8
    if optimised:
        model = split_convolutions(transposes_before_dequantize(optimised_offline(model)))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(model.SerializeToString())
    tmp.replace(out)
    return {"preview": preview, "optimised": optimised, "gpu": choice.gpu}
