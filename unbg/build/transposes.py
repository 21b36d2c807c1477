"""Layout transposes moved ahead of the dequantization before them, so they move bytes, not floats.

onnxruntime's layout optimisation (channels-last integer convolutions) leaves a Transpose back to
channels-first after each RSU stage's residual sum: DequantizeLinear → Transpose → QuantizeLinear.
Transposed there, the float copy is 64 MB at the 512² level, beside the 64 MB float it is made
from. DequantizeLinear with one scale and zero point works pixel by pixel, so transposing its
uint8 input first gives the same result to the bit, and the copy is a quarter of the size.
"""

from __future__ import annotations

import onnx
from onnx import helper


def transposes_before_dequantize(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` with each Transpose of a per-tensor DequantizeLinear's only output done before it."""
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    readers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            readers[name] = readers.get(name, 0) + 1
    scalars = {init.name for init in graph.initializer if not init.dims or list(init.dims) == [1]}
    nodes, moved_from = [], set()
    for node in graph.node:
        source = producer.get(node.input[0]) if node.op_type == "Transpose" else None
        if (source is not None and source.op_type == "DequantizeLinear" and readers[source.output[0]] == 1
                and all(name in scalars for name in source.input[1:])):
            moved = node.output[0] + "_bytes"
            nodes.append(helper.make_node("Transpose", [source.input[0]], [moved], name=node.name, perm=list(node.attribute[0].ints)))
            nodes.append(helper.make_node("DequantizeLinear", [moved, *source.input[1:]], list(node.output), name=source.name))
            moved_from.add(id(source))  # nothing reads it any more
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(node for node in nodes if id(node) not in moved_from)
    return model
