"""The message API on the shared queue, with the fake engine: what a message may ask, and each reply."""

from __future__ import annotations

from tests.fake_engine import FakeEngine
from tests.test_jobs import run, settle
from unbg.core import JobQueue
from unbg.core.message_api import RECENT, MessageApi


def test_malformed_messages_get_bad_request_with_the_id_and_nothing_runs():
    async def scenario():
        replies, engine = [], FakeEngine()
        api = MessageApi(JobQueue(engine))
        for message in [
            {"type": "unbg:cut", "id": 7, "image": "ok"},  # the id is no string
            {"type": "unbg:cut", "id": "x" * 101, "image": "ok"},
            {"type": "unbg:paint", "id": "a", "image": "ok"},
            {"type": "unbg:cut", "id": "b", "image": None},
            {"type": "unbg:cut", "id": "c", "image": "ok", "options": {"model": "huge"}},
            {"type": "unbg:cut", "id": "d", "image": "ok", "options": {"output": "gif"}},
            {"type": "unbg:cut", "id": "e", "image": "ok", "options": {"best": "yes"}},
            {"type": "unbg:cut", "id": "f", "image": "ok", "options": {"colour": "red"}},
            {"type": "unbg:cut", "id": "g", "image": "ok", "image_bytes": 2**30},
            {"type": "unbg:cancel", "id": "nothing-running"},
            *({"type": "unbg:cut", "id": f"size {size}", "image": "ok", "options": {"size": size}}
              for size in (100, 0, 1088, "256", True, 256.0)),
        ]:
            api.handle(message, replies.append, origin="https://shop.example")
        await settle()
        assert [reply["code"] for reply in replies] == ["bad_request"] * 16 and engine.started == []
        assert all("'size' must be a multiple of 64 from 64 to 1024" in reply["message"] for reply in replies[10:])
        messages = " | ".join(reply["message"] for reply in replies)
        for words in ("'id' must be a string", "'unbg:paint'", "no image", "'huge'", "'gif'", "'best' must be",
                      "Unknown option 'colour'", "over 256 MB", "No job 'nothing-running'"):
            assert words in messages
        assert [reply["id"] for reply in replies][2:10] == ["a", "b", "c", "d", "e", "f", "g", "nothing-running"]

    run(scenario())


def test_a_bad_image_is_bad_input_and_a_cancelled_job_says_so():
    async def scenario():
        replies, engine = [], FakeEngine()
        api = MessageApi(JobQueue(engine))
        api.handle({"type": "unbg:cut", "id": "bad", "image": "bad"}, replies.append, origin="o")
        api.handle({"type": "unbg:cut", "id": "slow", "image": "gate"}, replies.append, origin="o")
        api.handle({"type": "unbg:cut", "id": "next", "image": "ok"}, replies.append, origin="o")
        api.handle({"type": "unbg:cancel", "id": "next"}, replies.append, origin="elsewhere")  # not theirs
        api.handle({"type": "unbg:cancel", "id": "next"}, replies.append, origin="o")
        engine.release()
        for _ in range(5):
            await settle()
        final = {reply["id"]: reply for reply in replies if reply["type"] != "unbg:progress"}
        assert final["bad"]["code"] == "bad_input" and final["bad"]["message"] == "not an image"
        assert final["next"]["code"] == "cancelled" and "next" not in engine.started
        assert final["slow"]["type"] == "unbg:result"
        assert [reply["code"] for reply in replies if reply.get("code") == "bad_request"] == ["bad_request"]

    run(scenario())


def test_each_kind_of_failure_has_its_own_code_and_a_bug_tells_no_internals():
    async def scenario():
        replies, engine = [], FakeEngine()
        api = MessageApi(JobQueue(engine))
        for image in ("too much", "bug"):
            api.handle({"type": "unbg:cut", "id": image, "image": image}, replies.append, origin="o")
        await settle()
        engine.offline = True
        api.handle({"type": "unbg:cut", "id": "offline", "image": "ok"}, replies.append, origin="o")
        await settle()
        final = {reply["id"]: reply for reply in replies if reply["type"] == "unbg:error"}
        assert {job: reply["code"] for job, reply in final.items()} == {
            "too much": "inference", "bug": "internal", "offline": "model_load"}
        assert "out of memory" in final["too much"]["message"] and "could not be loaded" in final["offline"]["message"]
        assert "a bug" not in final["bug"]["message"] and "try again" in final["bug"]["message"].lower()

    run(scenario())


def test_the_widget_is_shown_what_its_host_asked_for():
    async def scenario():
        seen, engine = [], FakeEngine()
        api = MessageApi(JobQueue(engine), on_activity=seen.append)
        api.handle({"type": "unbg:cut", "id": "bad", "image": "bad"}, lambda reply: None, origin="o")
        api.handle({"type": "unbg:cut", "id": "slow", "image": "gate"}, lambda reply: None, origin="o")
        api.handle({"type": "unbg:cut", "id": "next", "image": "ok"}, lambda reply: None, origin="o")
        api.handle({"type": "unbg:cancel", "id": "next"}, lambda reply: None, origin="o")
        for _ in range(3):
            await settle()
        assert {row["id"]: row["status"] for row in seen[-1]} == {"bad": "failed", "slow": "running", "next": "cancelled"}
        assert [row["stage"] for row in seen[-1] if row["id"] == "slow"] == ["decode"]
        engine.release()
        for _ in range(5):
            await settle()
        shown = {row["id"]: row for row in seen[-1]}
        assert shown["bad"]["error"] == "not an image"
        assert (shown["slow"]["status"], shown["slow"]["width"], shown["slow"]["height"]) == ("done", 4, 3)
        for number in range(RECENT + 2):
            api.handle({"type": "unbg:cut", "id": f"more-{number}", "image": "ok"}, lambda reply: None, origin="o")
        for _ in range(5 * (RECENT + 2)):
            await settle()
        assert [row["id"] for row in seen[-1]] == [f"more-{number}" for number in range(2, RECENT + 2)]

    run(scenario())
