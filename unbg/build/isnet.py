"""ISNet from @imgly/background-removal-data: its chunks joined and verified, its graph trimmed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import onnx
from onnx import helper, numpy_helper

import numpy as np

from ..core.models import MODEL_SIZE
from .nodes import const


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


def resolution_free(nodes: list[onnx.NodeProto]) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
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
            divisors.setdefault(factor, const(f"divide_by_{factor}", [factor, factor]))
            out.append(helper.make_node("Div", ["size", divisors[factor].name], list(node.output), name=node.name))
        else:
            out.append(node)
    return out, list(divisors.values())
