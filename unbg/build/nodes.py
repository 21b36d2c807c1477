"""Small helpers for the graphs the build writes: our names and constants."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

PREFIX = "unbg_"  # every node and tensor the build adds, so none clashes with ISNet's own


def const(name: str, value, dtype=np.int64) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), PREFIX + name)
