"""The page's cut service on the shared queue (and the message API beside it), with the fake engine."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from tests.fake_engine import FakeEngine
from tests.test_jobs import run, settle
from unbg.core import CutOptions, JobQueue, actions
from unbg.core.cut_service import CutService
from unbg.core.message_api import MessageApi


class EditorEngine(FakeEngine):
    """Page jobs ask for the editor's pixels, with a preview first."""

    async def cut(self, image, options, progress, abort):
        result = await super().cut(image, options, progress, abort)
        if options.preview:
            progress("preview", f"preview of {image}")
        if options.output != "editor":
            return result
        return SimpleNamespace(width=result.width, height=result.height, timings=result.timings, options=options,
                               thumbnail=f"thumb of {image}", notes=result.notes)


def page(engine=None):
    engine = engine or EditorEngine()
    store = actions.create_store()
    queue = JobQueue(engine)
    shown, previews = [], []

    async def save_edits():
        return f"edited png of {store.get('job_name')} with {len(store.get('strokes'))} strokes"

    async def show_result(pixels):
        shown.append(pixels)

    service = CutService(store, queue, engine, show_result=show_result, show_preview=previews.append,
                         save_edits=save_edits)
    return store, queue, service, engine, shown, previews


def test_a_photo_added_alone_opens_in_the_editor_with_a_preview():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        actions.choose_best(store, True)
        (item,) = service.add_files(["a"], ["a.jpg"])
        assert engine.prewarmed == ["fast"]  # the model starts loading with the first photo
        await item.job.outcome()
        await settle()
        assert [pixels.options for pixels in shown] == [CutOptions("fast", 2, "editor", preview=True, thumbnail=96)]
        assert previews == ["preview of a"]
        assert (store.get("jobs_done"), store.get("previews_shown"), store.get("page")) == (1, 1, "ready")
        assert store.get("result") == {"item": 1, "name": "a.jpg", "model": "fast", "views": 2, "width": 4,
                                       "height": 3, "timings": {"total_ms": 1}, "notes": ()}
        assert store.get("items") == ({"id": 1, "name": "a.jpg", "status": "done", "error": None,
                                       "thumbnail": "thumb of a", "edited": False, "width": 4, "height": 3},)

    run(scenario())


def test_photos_added_together_are_a_batch_of_pngs_and_none_opens():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        items = service.add_files(["a", "bad", "c"], ["a.jpg", "bad.jpg", "c.jpg"])
        assert [row["status"] for row in store.get("items")] == ["queued"] * 3
        for item in items:
            await item.job.outcome()
        assert shown == [] and previews == [] and store.get("result") is None
        assert [row["status"] for row in store.get("items")] == ["done", "failed", "done"]
        assert store.get("items")[1]["error"] == "not an image"
        assert [item.png for item in items] == ["png of a", None, "png of c"]
        assert (store.get("jobs_done"), store.get("page")) == (3, "ready")

    run(scenario())


def test_retry_remove_and_cancel_the_rest():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        bad, slow, *waiting = service.add_files(["bad", "gate", "w1", "w2"], ["bad.jpg", "slow.jpg", "w1.jpg", "w2.jpg"])
        await bad.job.outcome()
        await settle()
        assert service.cancel_rest() == 2  # the running one stops, the waiting ones go
        await slow.job.outcome()
        rows = {row["name"]: row for row in store.get("items")}
        assert set(rows) == {"bad.jpg", "slow.jpg"} and rows["slow.jpg"]["status"] == "cancelled"
        engine.release()
        service.retry(bad.id)
        await bad.job.outcome()
        assert bad.status == "failed" and bad.error == "not an image"  # the same reason again
        service.retry(slow.id)
        await slow.job.outcome()
        assert slow.status == "done"
        service.remove(bad.id)
        assert [row["name"] for row in store.get("items")] == ["slow.jpg"]
        assert engine.started.count("w1") == 0

    run(scenario())


def test_an_item_opened_in_the_editor_keeps_its_edits_when_the_editor_closes():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        first, second = service.add_files(["a", "b"], ["a.jpg", "b.jpg"])
        await second.job.outcome()
        service.open(second.id)
        assert store.get("items")[1]["status"] == "done"  # cut again for the editor, still done meanwhile
        await second.job.outcome()
        await settle()
        assert store.get("open_item") == second.id and len(shown) == 1
        actions.stroke_finished(store, "a stroke")
        await service.close_editor()
        assert store.get("open_item") is None and store.get("result") is None
        assert second.png == "edited png of b.jpg with 1 strokes" and first.png == "png of a"
        assert store.get("items")[1]["edited"] is True
        service.open(second.id)
        await second.job.outcome()
        await settle()
        assert store.get("strokes") == ("a stroke",)  # reopened with its edits, still undoable

    run(scenario())


def test_leaving_asks_only_while_some_edits_are_not_downloaded():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        first, second = service.add_files(["a", "b"], ["a.jpg", "b.jpg"])
        await second.job.outcome()
        assert not service.unsaved_edits()  # cut-outs never downloaded, but nothing edited: nothing to lose
        service.open(second.id)
        await second.job.outcome()
        await settle()
        actions.stroke_finished(store, "a stroke")
        assert service.unsaved_edits()
        service.downloaded([second.id])
        assert not service.unsaved_edits()
        actions.stroke_finished(store, "another")
        assert service.unsaved_edits()
        actions.undo_stroke(store)  # back to what was downloaded
        assert not service.unsaved_edits()
        actions.stroke_finished(store, "a third")
        await service.close_editor()  # the edits stay with the item, not downloaded
        assert service.unsaved_edits()
        service.downloaded([first.id, second.id])  # "Download all"
        assert not service.unsaved_edits()

    run(scenario())


def test_after_the_model_failed_to_load_retry_runs_the_photos_that_failed_on_it():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        engine.offline = True
        items = service.add_files(["ok", "bad"], ["a.jpg", "b.jpg"])
        await asyncio.gather(*(item.job.outcome() for item in items))
        await settle()
        assert store.get("error_retry") and "could not be loaded" in store.get("error")
        engine.offline = False
        service.retry_model_failures()
        await asyncio.gather(*(item.job.outcome() for item in items))
        await settle()
        assert [item.status for item in items] == ["done", "failed"]  # the bad file fails on its own now
        assert items[1].error == "not an image" and not store.get("error_retry")
        assert engine.started == ["ok", "bad", "ok", "bad"]
        service.retry_model_failures()  # nothing failed on the model any more: nothing runs
        await settle()
        assert engine.started == ["ok", "bad", "ok", "bad"]

    run(scenario())


def test_the_photo_in_the_editor_goes_back_to_the_list_while_the_next_one_is_cut():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        (first,) = service.add_files(["a"], ["a.jpg"])
        await first.job.outcome()
        await settle()
        actions.stroke_finished(store, "a stroke")
        (second,) = service.add_files(["gate"], ["b.jpg"])
        await settle()
        # While b is cut, a is no longer in the editor: its edits are in its PNG, its canvases can go.
        assert store.get("open_item") is None and store.get("result") is None
        assert first.png.startswith("edited png") and first.png.endswith("with 1 strokes") and first.strokes == ("a stroke",)
        engine.release()
        await second.job.outcome()
        await settle()
        assert store.get("open_item") == second.id and len(shown) == 2

    run(scenario())


def test_cancel_stops_the_running_page_job_and_nothing_of_it_is_shown():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        (item,) = service.add_files(["gate"], ["slow.jpg"])
        job = item.job
        await settle()
        assert store.get("running_job") == job.id and store.get("page") == "busy"
        service.cancel()
        await job.outcome()
        assert (store.get("page"), store.get("running_job"), store.get("jobs_done")) == ("ready", None, 1)
        engine.release()
        await settle()
        assert shown == [] and previews == [] and store.get("result") is None

    run(scenario())


def test_a_model_chosen_after_the_prewarm_is_loaded_too():
    store, queue, service, engine, shown, previews = page()
    actions.choose_model(store, "quality")
    assert engine.prewarmed == []  # nobody asked yet
    service.prewarm()
    actions.choose_model(store, "fast")
    assert engine.prewarmed == ["quality", "fast"]


def test_api_jobs_share_the_queue_and_leave_the_page_alone():
    async def scenario():
        store, queue, service, engine, shown, previews = page(FakeEngine())
        replies = []
        api = MessageApi(queue)
        page_job = service.add_files(["gate"], ["page.jpg"])[0].job
        api.handle({"type": "unbg:cut", "id": "j1", "image": "ok", "options": {"output": "mask"}}, replies.append)
        await settle()
        assert engine.started == ["gate"]  # the API job waits for the page's
        engine.release()
        await page_job.outcome()
        for _ in range(5):
            await settle()
        assert engine.started == ["gate", "ok"]
        assert [reply["type"] for reply in replies] == ["unbg:progress", "unbg:progress", "unbg:result"]
        assert replies[-1] == {"id": "j1", "type": "unbg:result", "blob": "png of ok", "width": 4, "height": 3,
                               "timings": {"total_ms": 1}}
        assert store.get("jobs_done") == 1  # only the page's own job

    run(scenario())
