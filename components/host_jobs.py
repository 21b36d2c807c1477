"""In the widget: each photo the host page sent (unbg:cut), how far it is, and what was sent back."""

from __future__ import annotations

from unbg.core.state import STAGE_LABELS
from unbg.web import dom


def status_words(row: dict) -> str:
    status = row["status"]
    if status == "running":
        return f"{STAGE_LABELS.get(row['stage'], 'Working')} …"
    if status == "done":
        return f"Sent back · {row['width']} × {row['height']} px"
    if status == "failed":
        return f"Failed: {row['error']}"
    return {"queued": "Waiting", "cancelled": "Cancelled by the page"}[status]


class HostJobs:
    def __init__(self, root, store) -> None:
        self._root = root
        self._list = dom.find("[data-testid=host-jobs]", root)
        self._rows: dict[int, object] = {}  # queue job id → its <li>
        self._unsubscribe = store.subscribe(self._render)

    def _render(self, state: dict) -> None:
        rows = state["host_jobs"]
        dom.show(self._root, bool(rows))
        shown = {row["job"] for row in rows}
        for job in [job for job in self._rows if job not in shown]:
            element = self._rows.pop(job)
            dom.revoke_url(dom.find("img", element).getAttribute("src"))  # the thumbnail is ours to free
            element.remove()
        for row in rows:
            element = self._rows.get(row["job"]) or self._new_row(row)
            element.dataset.status = row["status"]
            image = dom.find("img", element)
            if row["thumbnail"] and image.getAttribute("src") != row["thumbnail"]:
                image.src = row["thumbnail"]
            dom.show(image, bool(row["thumbnail"]))
            dom.show(image.parentElement, bool(row["thumbnail"]))  # a mask has no picture: no empty frame
            dom.find(".host-job-status", element).textContent = status_words(row)

    def _new_row(self, row: dict):
        element = dom.create("li", self._list, data_testid="host-job", data_id=row["id"])
        picture = dom.create("span", element, **{"class": "batch-thumb"})
        dom.create("img", picture, alt="", hidden="")
        dom.create("span", element, text=f"Photo “{row['id']}”", **{"class": "batch-name"})
        dom.create("span", element, **{"class": "batch-status host-job-status"})
        self._rows[row["job"]] = element
        return element

    def dispose(self) -> None:
        self._unsubscribe()
