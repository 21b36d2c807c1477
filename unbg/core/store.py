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
        self._flushing = False

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
        # A subscriber may set state while it is told: the running flush goes round again,
        # and every subscriber is handed the newest state, never a stale snapshot.
        if self._flushing:
            return
        self._flushing = True
        try:
            while self._dirty:
                self._dirty = False
                for fn in list(self._subscribers):
                    fn(self.state)
        finally:
            self._flushing = False
