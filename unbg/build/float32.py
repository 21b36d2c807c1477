"""ISNet's float16 graph made to compute in float32, its weights still stored as float16.

WebGPU computes float16 only where the adapter has ``shader-f16`` (software adapters and many
older GPUs do not): a graph in float32 runs on every adapter. The weights stay float16 in the
file (the download is unchanged) behind a Cast each, which onnxruntime folds once when the
session is made. onnxruntime's CPU provider already computes ISNet in float32 (it casts
around every float16 node it has no kernel for), so the WASM path gives the same cut-out.
"""

from __future__ import annotations

import onnx
from onnx import TensorProto, helper, numpy_helper

import numpy as np

from .nodes import PREFIX


def _float_constant(node: onnx.NodeProto) -> onnx.NodeProto:
    """A Constant node's float16 value as float32 (others unchanged)."""
    for attribute in node.attribute:
        if attribute.name == "value" and attribute.t.data_type == TensorProto.FLOAT16:
            value = numpy_helper.to_array(attribute.t).astype(np.float32)
            attribute.t.CopyFrom(numpy_helper.from_array(value, attribute.t.name))
    return node


def float32_compute(isnet: onnx.ModelProto) -> onnx.ModelProto:
    """``isnet`` computing in float32: Casts to float16 cast to float32, weights are cast when loaded."""
    graph = isnet.graph
    nodes, weights = [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT16:
            stored = PREFIX + "f16_" + init.name
            nodes.append(helper.make_node("Cast", [stored], [init.name], to=TensorProto.FLOAT))
            init = onnx.TensorProto.FromString(init.SerializeToString())
            init.name = stored
        weights.append(init)
    for node in graph.node:
        node = onnx.NodeProto.FromString(node.SerializeToString())
        if node.op_type == "Cast":
            for attribute in node.attribute:
                if attribute.name == "to" and attribute.i == TensorProto.FLOAT16:
                    attribute.i = TensorProto.FLOAT
        elif node.op_type == "Constant":
            node = _float_constant(node)
        nodes.append(node)
    model = helper.make_model(
        helper.make_graph(nodes, graph.name, list(graph.input), list(graph.output), initializer=weights),
        opset_imports=list(isnet.opset_import))
    model.ir_version = isnet.ir_version
    return model
