"""The page's cut service and the message API on the shared queue, with the fake engine."""

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
        return SimpleNamespace(width=result.width, height=result.height, timings=result.timings, options=options)


def page(engine=None):
    engine = engine or EditorEngine()
    store = actions.create_store()
    queue = JobQueue(engine)
    shown, previews = [], []
    service = CutService(store, queue, engine, show_result=shown.append, show_preview=previews.append)
    return store, queue, service, engine, shown, previews


def test_photos_from_the_page_are_cut_with_the_page_settings_and_shown():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        actions.choose_best(store, True)
        jobs = service.add_files(["a", "b"], ["a.jpg", "b.jpg"])
        assert engine.prewarmed == ["fast"]  # the model starts loading with the first photo
        await asyncio.gather(*(job.outcome() for job in jobs))
        assert [pixels.options for pixels in shown] == [CutOptions("fast", 2, "editor", preview=True)] * 2
        assert previews == ["preview of a", "preview of b"]
        assert (store.get("jobs_done"), store.get("previews_shown"), store.get("page")) == (2, 2, "ready")
        assert store.get("result") == {"job": 2, "name": "b.jpg", "model": "fast", "views": 2, "width": 4,
                                       "height": 3, "timings": {"total_ms": 1}}

    run(scenario())


def test_cancel_stops_the_running_page_job_and_nothing_of_it_is_shown():
    async def scenario():
        store, queue, service, engine, shown, previews = page()
        (job,) = service.add_files(["gate"], ["slow.jpg"])
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
        page_job = service.add_files(["gate"], ["page.jpg"])[0]
        api.handle({"id": "j1", "image": "ok", "options": {"output": "mask"}}, replies.append)
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


def test_api_errors_carry_the_code_and_the_id():
    async def scenario():
        replies = []
        api = MessageApi(JobQueue(FakeEngine()))
        api.handle({"id": 7, "image": None, "options": None}, replies.append)
        api.handle({"id": 8, "image": "ok", "options": {"model": "huge"}}, replies.append)
        api.handle({"id": 9, "image": "ok", "options": {"output": "gif"}}, replies.append)
        api.handle({"id": 10, "image": "bad", "options": {}}, replies.append)
        for _ in range(5):
            await settle()
        errors = {reply["id"]: reply for reply in replies if reply["type"] == "unbg:error"}
        assert {key: value["code"] for key, value in errors.items()} == {7: "bad_input", 8: "bad_input", 9: "bad_input", 10: "bad_input"}
        assert "no image" in errors[7]["message"] and "'huge'" in errors[8]["message"] and "'gif'" in errors[9]["message"]
        assert errors[10]["message"] == "not an image"

    run(scenario())
