"""Build the pipeline models from the ISNet weights of @imgly/background-removal-data.

A pipeline model takes RGBA uint8 [H, W, 4] of any size and returns
``alpha`` uint8 [H, W] and ``cutout`` uint8 [H, W, 4]: the whole path from
pixels to mask lives in one graph, so the browser and native engines agree.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper, numpy_helper

import numpy as np

from .models import MODEL_SIZE

OPSET = 18  # Resize with antialias needs 18; ISNet itself is opset 15 and unchanged by it
PREFIX = "unbg_"
# Levels on ISNet's mask m: alpha = (m - pivot) * GAIN + 0.5, clipped to 0..1. Measured with
# `python -m unbg eval` on ../shared/eval: the gain firms up soft edges and faint fine structure
# (MAE 0.065 → 0.053 with medium); medium marks thin foreground weakly, so its pivot sits lower.
GAIN = 3.0
PIVOT = {"medium": 0.35, "small": 0.5}


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


def pipeline_model(isnet: onnx.ModelProto, pivot: float = 0.5) -> onnx.ModelProto:
    """Wrap ISNet in pre- and post-processing: RGBA uint8 in, alpha and cut-out out.

    ``pivot`` is the mask value that becomes alpha 0.5 (see GAIN and PIVOT).
    """
    p = PREFIX
    n = helper.make_node
    # The resolution ISNet sees is an input (onnxruntime-web cannot override initializers):
    # one model file serves the full pass at MODEL_SIZE² and a quick low-resolution preview.
    inits = [
        _const("axis0", [0]),
        _const("axes01", [0, 1]),
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
        n("Transpose", [p + "centred"], ["input"], perm=[0, 3, 1, 2]),
    ]
    post = [
        n("Shape", ["rgba"], [p + "rgba_shape"]),
        n("Slice", [p + "rgba_shape", p + "hw_start", p + "hw_end", p + "axis0"], [p + "hw"]),
        n("Concat", [p + "batch_channel", p + "hw"], [p + "full_size"], axis=0),
        # Levels (and the scale to 0..255) at 1024², before the resize: both are linear, so they commute.
        n("Mul", ["output", p + "levels_scale"], [p + "gained"]),
        n("Add", [p + "gained", p + "levels_offset"], [p + "levelled"]),
        n("Resize", [p + "levelled", "", "", p + "full_size"], [p + "full_255"], mode="linear",
          coordinate_transformation_mode="half_pixel"),
        n("Clip", [p + "full_255", p + "zero", p + "to_255"], [p + "clipped"]),
        # Round first: Cast truncates, which would bias every pixel down by half a step.
        n("Round", [p + "clipped"], [p + "rounded"]),
        n("Cast", [p + "rounded"], [p + "alpha_4d"], to=TensorProto.UINT8),
        n("Squeeze", [p + "alpha_4d", p + "axes01"], ["alpha"]),
        n("Slice", ["rgba", p + "rgb_start", p + "rgb_end", p + "axis_last"], [p + "rgb"]),
        n("Unsqueeze", ["alpha", p + "axis_last"], [p + "alpha_hw1"]),
        n("Concat", [p + "rgb", p + "alpha_hw1"], ["cutout"], axis=-1),
    ]
    body, divisors = _resolution_free(_needed_nodes(isnet.graph, ["output"]))
    inits += divisors
    used = {name for node in body for name in node.input}
    weights = [init for init in isnet.graph.initializer if init.name in used]
    graph = helper.make_graph(
        pre + body + post,
        "unbg_pipeline",
        [
            helper.make_tensor_value_info("rgba", TensorProto.UINT8, ["height", "width", 4]),
            helper.make_tensor_value_info("size", TensorProto.INT64, [2]),
        ],
        [
            helper.make_tensor_value_info("alpha", TensorProto.UINT8, ["height", "width"]),
            helper.make_tensor_value_info("cutout", TensorProto.UINT8, ["height", "width", 4]),
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
    """Whether ``size`` may be fed (ISNet medium's graph can be freed of 1024²; small's cannot)."""
    return any(init.name.startswith(PREFIX + "divide_by_") for init in model.graph.initializer)


def build_pipeline(data_dir: Path, name: str, out: Path) -> bool:
    """Write the pipeline model for ISNet ``name`` (``small`` or ``medium``) to ``out``.

    Returns whether the model runs at other working sizes than 1024² (for a quick preview).
    """
    isnet = onnx.load_from_string(assemble_isnet(data_dir, name))
    model = pipeline_model(isnet, PIVOT[name])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(model.SerializeToString())
    tmp.replace(out)
    return runs_at_any_size(model)
