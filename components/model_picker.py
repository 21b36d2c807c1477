"""Choose between the fast (default) and the full-precision model, with honest download sizes and speeds."""

from __future__ import annotations

from unbg.core import actions
from unbg.core.backend import WASM, WEBGPU, model_backend
from unbg.core.speed import remember, speed_key, speed_label
from unbg.web import dom, storage

SPEED_KEY = "unbg-inference-ms"  # localStorage: each model's inference time on this device


class ModelPicker:
    def __init__(self, root, store, manifest: dict, backend: str = WASM) -> None:
        self._root = root
        self._store = store
        self._manifest = manifest
        self._gpu_page = backend == WEBGPU
        self._backends = {name: model_backend(name, backend) for name in manifest}
        self._measured = storage.read_json(SPEED_KEY)
        self._result = None
        self._label()
        self._events = dom.Disposables()
        self._events.listen(root, "change", self._on_change)
        self._events.add(store.subscribe(self._render))

    def _label(self) -> None:
        for name, entry in self._manifest.items():
            option = dom.find(f"option[value={name}]", self._root)
            parts = [entry["label"].split(" (")[0], f"{entry['bytes'] / 1e6:.0f} MB"]
            if self._gpu_page:  # where it runs matters only where there is a choice
                parts.append("on your GPU" if self._backends[name] == WEBGPU else "on the CPU")
            parts.append(speed_label(name, self._measured, self._backends))
            option.textContent = " · ".join(part for part in parts if part)

    def _on_change(self, event) -> None:
        actions.choose_model(self._store, self._root.value)

    def _render(self, state: dict) -> None:
        self._root.value = state["model"]
        result = state["result"]
        if result is not None and result is not self._result:
            self._result = result
            inference_ms = result["timings"].get("inference_ms")
            model = result.get("model")
            if inference_ms and model in self._manifest:
                # Where it really ran (a model that failed on the GPU runs on the CPU); per view:
                # a best-edges run shows the model the photo twice.
                backend = state["model_backend"] if state["model_ready"] == model else self._backends[model]
                self._measured = remember(self._measured, speed_key(model, backend or WASM),
                                          inference_ms / result.get("views", 1))
                storage.write_json(SPEED_KEY, self._measured)
                self._label()

    def dispose(self) -> None:
        self._events.dispose()
