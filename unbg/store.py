"""A small reactive store: state as plain data, subscribers told only of real changes."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable

Subscriber = Callable[[dict], None]


class Store:
    """Holds a dict of state. ``subscribe`` calls back at once and on every change."""

    def __init__(self, **initial: Any) -> None:
        self._state = dict(initial)
        self._subscribers: list[Subscriber] = []
        self._batch_depth = 0
        self._dirty = False

    @property
    def state(self) -> dict:
        return dict(self._state)

    def get(self, key: str, default: Any = None) -> Any:
        return self._state.get(key, default)

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn(state)`` now and after every change; returns the unsubscribe."""
        self._subscribers.append(fn)
        fn(self.state)

        def unsubscribe() -> None:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

        return unsubscribe

    def set(self, **changes: Any) -> None:
        """Apply ``changes``; subscribers hear of it only if a value really changed."""
        changed = {k: v for k, v in changes.items() if k not in self._state or self._state[k] != v}
        if not changed:
            return
        self._state.update(changed)
        self._dirty = True
        if self._batch_depth == 0:
            self._flush()

    @contextmanager
    def batch(self):
        """Group several ``set`` calls so subscribers are told once, at the end."""
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self._flush()

    def _flush(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        state = self.state
        for fn in list(self._subscribers):
            fn(state)
