"""Cancelling a job: the job checks its token between stages."""

from __future__ import annotations

from .errors import Cancelled


class CancelToken:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def check(self) -> None:
        """Raise Cancelled if the job was cancelled."""
        if self.cancelled:
            raise Cancelled("Cancelled.")
