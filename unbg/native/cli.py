"""The command line.

``python -m unbg cut IN... [-o OUT_DIR] [--zip FILE.zip] [--model quality|fast] [--mask] [--best] [--max-megapixels N] [--size N]``
``python -m unbg eval DATA_DIR [--model quality|fast] [--limit N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..core.errors import BadInput, InferenceError, ModelLoadError
from ..core.image_header import ANIMATED_NOTE, HEADER_BYTES, WORKING_MEGAPIXELS, declared_size, is_animated, scaled_note
from ..core.models import DEFAULT_MODEL, MODEL_SIZE, MODELS, WORKING_SIZES, is_working_size, view_count
from ..core.naming import unique_names
from ..core.progress import time_left, time_left_label
from ..core.zip_writer import Entry, zip_parts

BAR_WIDTH = 30


class Progress:
    """Progress over several files on stderr: a redrawn bar on a terminal, one line per file otherwise."""

    def __init__(self, total: int, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.bar_drawn = False
        self.started_at = time.monotonic()

    def _left(self, done: int) -> str:
        left = time_left_label(time_left(done, self.total, time.monotonic() - self.started_at))
        return f" ({left})" if left else ""

    def _bar(self, done: int, label: str) -> None:
        filled = BAR_WIDTH * done // self.total
        self.stream.write(f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{self.total}{self._left(done)} {label}\x1b[K")
        self.stream.flush()
        self.bar_drawn = True

    def _clear_bar(self) -> None:
        if self.bar_drawn:
            self.stream.write("\r\x1b[K")
            self.bar_drawn = False

    def started(self, index: int, source: str) -> None:
        """File number ``index`` (from 1) is being cut out."""
        if self.live and self.total > 1:
            self._bar(index - 1, source)

    def finished(self, index: int, source: str, target: str | None, seconds: float) -> None:
        """File number ``index`` is done: written to ``target``, or failed when it is None."""
        if self.total <= 1:
            return
        if self.live:
            self._bar(index, source)
        elif target:
            print(f"[{index}/{self.total}] {source} → {target} ({seconds:.1f} s){self._left(index)}", file=self.stream)

    def error(self, message: str) -> None:
        """Print ``unbg: message`` on a line of its own, above the bar (a failure, or a note)."""
        self._clear_bar()
        print(f"unbg: {message}", file=self.stream)

    def close(self) -> None:
        """Leave the terminal on a fresh line."""
        if self.bar_drawn:
            self.stream.write("\n")
            self.bar_drawn = False


def list_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Expand folders to their visible files (sorted, not recursive); also return paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            files.append(path)
        else:
            missing.append(raw)
    unique = list(dict.fromkeys(files))  # the same file named twice is cut once
    return unique, missing


def add_cut_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``unbg cut``."""
    parser.add_argument("inputs", nargs="+", metavar="IN", help="image files or folders of images")
    parser.add_argument("-o", "--output", metavar="OUT_DIR", help="folder for the results (created if missing)")
    parser.add_argument("--zip", metavar="ZIP", help="also (or only) write every result into one ZIP, same names")
    parser.add_argument("--model", choices=list(MODELS), default=DEFAULT_MODEL, help=f"{' or '.join(MODELS)} (default {DEFAULT_MODEL})")
    parser.add_argument("--mask", action="store_true", help="write a grayscale mask (white = subject) instead of the cut-out")
    add_best_argument(parser)
    parser.add_argument("--max-megapixels", type=float, default=WORKING_MEGAPIXELS, metavar="N",
                        help=f"cut larger photos scaled down to N megapixels (default {WORKING_MEGAPIXELS}, as the page: "
                             "memory grows with the pixels)")
    parser.add_argument("--size", type=_working_size, default=MODEL_SIZE, metavar="N",
                        help=f"the model's working size, {WORKING_SIZES} (default {MODEL_SIZE}): "
                             "smaller is faster, with coarser edges")


def add_best_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--best", action="store_true", help="best edges: the model also sees each photo mirrored (twice the time)")


def _working_size(text: str) -> int:
    size = int(text)
    if not is_working_size(size):
        raise argparse.ArgumentTypeError(WORKING_SIZES)
    return size


def _notes(data: bytes, rgba, max_megapixels: float) -> list[str]:
    """What to tell of how a photo was read: its first frame only, or cut smaller than it is."""
    from ..core.sniff import sniff_format

    fmt = sniff_format(data)
    notes = [ANIMATED_NOTE.format(label=fmt.upper())] if is_animated(fmt, data[:HEADER_BYTES]) else []
    size = declared_size(fmt, data[:HEADER_BYTES])
    height, width = rgba.shape[:2]
    if size is not None and size[0] * size[1] > width * height:
        size = size if (size[0] > size[1]) == (width > height) else size[::-1]  # the header's is before EXIF rotation
        notes.append(scaled_note(size, (width, height), max_megapixels) + " (--max-megapixels)")
    return notes


def run_cut(args: argparse.Namespace) -> int:
    """Cut out every input into OUT_DIR; 1 if any file failed, else 0."""
    from .engine import NativeEngine, decode_image, encode_png  # numpy and onnxruntime load only when needed

    files, missing = list_inputs(args.inputs)
    for raw in missing:
        print(f"unbg: {raw}: no such file or folder", file=sys.stderr)
    if not files and not missing:
        print("unbg: no files to cut out in " + ", ".join(args.inputs), file=sys.stderr)
        return 1
    out_dir = Path(args.output) if args.output else None
    try:
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"unbg: {out_dir}: cannot create the output folder: {exc.strerror}", file=sys.stderr)
        return 1

    engine = NativeEngine(args.model, views=view_count(args.best), size=args.size)
    targets = unique_names([source.name for source in files], "mask" if args.mask else "png")
    progress = Progress(len(files))
    results: list[tuple[str, bytes]] = []  # what the ZIP holds, in order
    failures = len(missing)
    try:
        for index, (source, target) in enumerate(zip(files, targets), 1):
            progress.started(index, str(source))
            began = time.monotonic()
            problem = None
            try:
                data = source.read_bytes()
                rgba = decode_image(data, source.name, args.max_megapixels)
                for note in _notes(data, rgba, args.max_megapixels):
                    progress.error(f"{source}: {note}")
                png = encode_png(engine.alpha(rgba) if args.mask else engine.cutout(rgba))
                if out_dir:
                    (out_dir / target).write_bytes(png)
                if args.zip:
                    results.append((target, png))
            except (BadInput, InferenceError) as exc:
                problem = str(exc)
            except OSError as exc:
                problem = exc.strerror or str(exc)
            if problem:
                failures += 1
                progress.error(f"{source}: {problem}")
            progress.finished(index, str(source), None if problem else target, time.monotonic() - began)
    except ModelLoadError as exc:
        # Every remaining file would fail the same way, so stop here.
        progress.error(str(exc))
        return 1
    except KeyboardInterrupt:
        progress.error("interrupted")
        return 130
    finally:
        progress.close()
    if args.zip and not write_zip(Path(args.zip), results):
        return 1
    return 1 if failures else 0


def write_zip(path: Path, files: list[tuple[str, bytes]]) -> bool:
    """One ZIP of ``files`` (name, bytes), stored as they are; False (and a message) if it cannot be written."""
    import zlib

    entries = [Entry(name, len(data), zlib.crc32(data)) for name, data in files]
    try:
        with open(path, "wb") as out:
            for part in zip_parts(entries):
                out.write(files[part][1] if isinstance(part, int) else part)
    except (OSError, ValueError) as exc:
        print(f"unbg: {path}: cannot write the ZIP: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return False
    return True


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``unbg eval``."""
    parser.add_argument("data_dir", metavar="DATA_DIR", help="a set (images/ + masks/) or a folder of sets")
    parser.add_argument("--model", choices=list(MODELS), default=DEFAULT_MODEL, help=f"{' or '.join(MODELS)} (default {DEFAULT_MODEL})")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N images of each set")
    add_best_argument(parser)


def run_eval(args: argparse.Namespace) -> int:
    """Print quality metrics against ground-truth masks per set and overall; see unbg/evaluate.py."""
    from .evaluate import evaluate  # numpy and onnxruntime load only when needed

    return evaluate(Path(args.data_dir), args.model, args.limit, views=view_count(args.best))


# Subcommand name → (help, add its arguments, run it).
COMMANDS = {
    "cut": ("remove the background from images", add_cut_arguments, run_cut),
    "eval": ("measure cut-out quality against ground-truth masks", add_eval_arguments, run_eval),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand in COMMANDS."""
    parser = argparse.ArgumentParser(prog="unbg", description="Background removal that runs on your own device.")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, run) in COMMANDS.items():
        sub = subcommands.add_parser(name, help=help_text, description=help_text)
        add_arguments(sub)
        sub.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "cut" and not (args.output or args.zip):
        parser.error("say where the results go: -o OUT_DIR, --zip FILE.zip, or both")
    return args.run(args)
