"""Foreground colour estimation on the soft edge, as ONNX nodes of the pipeline graph."""

from __future__ import annotations

import onnx
from onnx import TensorProto, helper

import numpy as np

from .nodes import PREFIX, const

# Foreground colour estimation (blur-fusion, Forte & Pitié 2021) for the semi-transparent edge:
# box radii of its two passes, at half the working size. The wide pass works on an 8× smaller
# copy (a box there of radius r covers 8r pixels), the narrow one in place.
FOREGROUND_WIDE = 4
FOREGROUND_NARROW = 3
FOREGROUND_SHRINK = 8


def foreground_nodes() -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
    """Estimate the subject's own colour F where the alpha is partial → ``edge_colour`` [N, 3] at
    ``edge_index`` [N] (y · W + x); every other pixel keeps the photo's colour.

    A semi-transparent pixel of the photo is I = αF + (1 − α)B: it carries the old background B.
    Blur-fusion solves for F from blurred estimates F̄ and B̄ around it, twice (a wide pass, then
    a narrow one seeded with the first). The blurs run at half the working size; the narrow
    pass's last step, F = F̄ + α(I − αF̄ − (1 − α)B̄), runs at full size on the pixels where
    0 < alpha < 255 only, with their own I and α. So F tends to I as α tends to 1: a nearly
    opaque pixel keeps its detail, and the edge has no seam where the alpha reaches 255.
    """
    p = PREFIX
    n = helper.make_node
    inits = [
        const("fg_two", [2, 2]),
        const("fg_eps", 1e-4, np.float32),
        const("fg_one_f", 1.0, np.float32),
        const("fg_unit", 1 / 255, np.float32),
        const("fg_stack_channels", [1, 7]),
        const("fg_flat", [6, -1]),
        const("fg_xy", [1, 0]),
        const("fg_half", 0.5, np.float32),
        const("fg_grid_shape", [1, 1, -1, 2]),
        const("u8_zero", 0, np.uint8),
        const("u8_full", 255, np.uint8),
        const("fg_split", [1, 3, 3]),
        const("fg_split_fb", [3, 3]),
        const("fg_x_axis", [1]),
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
        n("GatherND", ["rgba", p + "partial_yx"], [p + "edge_rgba_u8"]),
        n("Slice", [p + "edge_rgba_u8", p + "rgb_start", p + "rgb_end", p + "axis_last"], [p + "edge_rgb_u8"]),
        n("Cast", [p + "edge_rgb_u8"], [p + "edge_rgb_f"], to=TensorProto.FLOAT),
        n("Mul", [p + "edge_rgb_f", p + "fg_unit"], [p + "edge_I"]),
        n("GatherND", ["alpha", p + "partial_yx"], [p + "edge_alpha_u8"]),
        n("Unsqueeze", [p + "edge_alpha_u8", p + "axis_last"], [p + "edge_alpha_n1"]),
        n("Cast", [p + "edge_alpha_n1"], [p + "edge_alpha_f"], to=TensorProto.FLOAT),
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
        # F to uint8, and where: y · W + x (the photo's pixel index; int32, which JavaScript reads as it is).
        n("Mul", [p + "edge_fg", p + "to_255"], [p + "edge_fg_255"]),
        n("Round", [p + "edge_fg_255"], [p + "edge_fg_rounded"]),
        n("Cast", [p + "edge_fg_rounded"], ["edge_colour"], to=TensorProto.UINT8),
        n("Gather", [p + "hw", p + "fg_x_axis"], [p + "fg_w"], axis=0),
        n("Concat", [p + "fg_w", p + "one"], [p + "fg_row_step"], axis=0),
        n("Mul", [p + "partial_yx", p + "fg_row_step"], [p + "edge_yw_x"]),
        n("ReduceSum", [p + "edge_yw_x", p + "one"], [p + "edge_index_64"], keepdims=0),
        n("Cast", [p + "edge_index_64"], ["edge_index"], to=TensorProto.INT32),
    ]
    inits.append(const("fg_two_f", 2.0, np.float32))
    return nodes, inits
