"""Where the page runs each model: the GPU where it has a hardware adapter, WASM otherwise."""

from __future__ import annotations

from unbg.core.backend import WASM, WEBGPU, Adapter, BackendFallback, default_model, model_backend, page_backend, requested_backend
from unbg.core.message_api import cut_options
from unbg.core.speed import remember, speed_key, speed_label

HARDWARE = Adapter(fallback=False)
SOFTWARE = Adapter(fallback=True)


def test_a_hardware_adapter_means_webgpu_a_software_one_only_when_asked():
    assert page_backend(None, HARDWARE) == WEBGPU
    assert page_backend(None, SOFTWARE) == WASM
    assert page_backend(WEBGPU, SOFTWARE) == WEBGPU
    assert page_backend(WASM, HARDWARE) == WASM
    assert page_backend(WEBGPU, None) == WASM  # no adapter: nothing to force


def test_the_url_asks_for_a_backend_and_anything_else_is_ignored():
    assert requested_backend("?backend=webgpu") == WEBGPU
    assert requested_backend("?model=fast&backend=wasm") == WASM
    assert requested_backend("?backend=cuda") is None
    assert requested_backend("") is None


def test_only_the_float_model_runs_on_the_gpu_and_it_is_the_gpu_pages_default():
    assert model_backend("quality", WEBGPU) == WEBGPU
    assert model_backend("fast", WEBGPU) == WASM  # int8: WebGPU has no integer convolution
    assert model_backend("quality", WASM) == WASM
    assert default_model(WEBGPU) == "quality" and default_model(WASM) == "fast"


def test_a_model_that_fails_on_the_gpu_runs_on_wasm_from_then_on():
    backends = BackendFallback(WEBGPU)
    assert backends.for_model("quality") == WEBGPU
    assert backends.failed("quality") is True  # try it again, on WASM
    assert backends.for_model("quality") == WASM
    assert backends.failed("quality") is False  # it failed on WASM: a real failure, no retry
    assert backends.failed("fast") is False  # never was on the GPU
    assert BackendFallback(WASM).failed("quality") is False


def test_the_message_api_defaults_to_the_pages_model():
    assert cut_options({}).model == "fast"
    assert cut_options({}, default_model="quality").model == "quality"
    assert cut_options({"model": "fast"}, default_model="quality").model == "fast"


def test_speed_labels_never_guess_a_gpus_speed_from_the_cpus():
    on_gpu_page = {"quality": WEBGPU, "fast": WASM}
    assert speed_label("quality", {}, on_gpu_page) == ""
    measured = remember({}, speed_key("fast", WASM), 2_000)
    assert speed_label("fast", measured, on_gpu_page) == "~2.0 s here"
    assert speed_label("quality", measured, on_gpu_page) == ""  # the CPU's time says nothing of the GPU's
    measured = remember(measured, speed_key("quality", WEBGPU), 400)
    assert speed_label("quality", measured, on_gpu_page) == "~0.4 s here"
    assert speed_label("quality", measured) == "~3 s here (estimate)"  # on a WASM page: from fast's time
