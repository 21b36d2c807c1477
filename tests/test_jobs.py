"""The one job queue, driven with the fake engine: order, cancel, failures, progress."""

from __future__ import annotations

import asyncio

from tests.fake_engine import FakeEngine
from unbg.core import BadInput, Cancelled, CutOptions, InternalError, JobQueue


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 5))


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


def test_jobs_run_one_at_a_time_in_the_order_submitted():
    async def scenario():
        engine, changes = FakeEngine(), []
        queue = JobQueue(engine, on_change=lambda job: changes.append((job.name, job.status)))
        jobs = [queue.submit(name, CutOptions(), source="page", name=name) for name in ("a", "b", "c")]
        await asyncio.gather(*(job.outcome() for job in jobs))
        assert engine.started == ["a", "b", "c"] and engine.most_at_once == 1
        assert [job.status for job in jobs] == ["done"] * 3
        assert jobs[0].result.file == "png of a" and [job.id for job in jobs] == [1, 2, 3]
        assert changes[:4] == [("a", "queued"), ("b", "queued"), ("c", "queued"), ("a", "running")]
        assert changes.index(("a", "done")) < changes.index(("b", "running"))

    run(scenario())


def test_a_job_submitted_first_goes_before_the_waiting_ones():
    async def scenario():
        engine = FakeEngine()
        queue = JobQueue(engine)
        jobs = [queue.submit(name, CutOptions(), source="page", name=name) for name in ("a", "b")]
        urgent = queue.submit("now", CutOptions(), source="page", name="now", first=True)
        await asyncio.gather(urgent.outcome(), *(job.outcome() for job in jobs))
        assert engine.started == ["now", "a", "b"]

    run(scenario())


def test_progress_reaches_the_job_that_asked():
    async def scenario():
        stages = []
        queue = JobQueue(FakeEngine())
        job = queue.submit("a", CutOptions(), source="api", name="a", progress=lambda stage, value: stages.append(stage))
        await job.outcome()
        assert stages == ["decode", "inference"]

    run(scenario())


def test_a_cancelled_queued_job_never_runs_and_the_others_do():
    async def scenario():
        engine = FakeEngine()
        queue = JobQueue(engine)
        first, second, third = (queue.submit(name, CutOptions(), source="page", name=name) for name in ("a", "b", "c"))
        assert queue.cancel(second.id)
        await asyncio.gather(first.outcome(), second.outcome(), third.outcome())
        assert second.status == "cancelled" and isinstance(second.error, Cancelled)
        assert engine.started == ["a", "c"]
        assert not queue.cancel(second.id) and not queue.cancel(99)  # finished or unknown

    run(scenario())


def test_cancelling_the_running_job_answers_at_once_and_the_next_waits_for_the_engine():
    async def scenario():
        engine = FakeEngine()
        queue = JobQueue(engine)
        running = queue.submit("gate", CutOptions(), source="page", name="slow")
        after = queue.submit("b", CutOptions(), source="page", name="b")
        await settle()
        assert queue.running is running
        assert queue.cancel(running.id)
        await running.outcome()  # without the engine having finished
        assert running.status == "cancelled" and engine.finished == []
        await settle()
        assert engine.started == ["gate"], "the next job started while the engine was still busy"
        engine.release()
        await after.outcome()
        assert after.status == "done" and engine.most_at_once == 1 and running.status == "cancelled"

    run(scenario())


def test_a_bug_in_a_cancelled_job_is_still_reported():
    async def scenario():
        bugs = []
        engine = FakeEngine()
        queue = JobQueue(engine, report_bug=lambda job, error: bugs.append((job.name, repr(error))))
        running = queue.submit("gated bug", CutOptions(), source="page", name="slow")
        await settle()
        queue.cancel(running.id)
        await running.outcome()
        engine.release()  # the engine winds down, and fails with a bug of ours
        after = queue.submit("ok", CutOptions(), source="page", name="next")
        await after.outcome()
        assert running.status == "cancelled" and after.status == "done"
        assert bugs == [("slow", "RuntimeError('a bug')")]

    run(scenario())


def test_a_failed_job_never_stops_the_queue_and_a_bug_is_reported():
    async def scenario():
        bugs = []
        queue = JobQueue(FakeEngine(), report_bug=lambda job, error: bugs.append((job.name, repr(error))))
        bad, bug, good = (queue.submit(name, CutOptions(), source="page", name=name) for name in ("bad", "bug", "ok"))
        await asyncio.gather(bad.outcome(), bug.outcome(), good.outcome())
        assert bad.status == "failed" and isinstance(bad.error, BadInput) and str(bad.error) == "not an image"
        assert bug.status == "failed" and isinstance(bug.error, InternalError) and "Please try again" in str(bug.error)
        assert bugs == [("bug", "RuntimeError('a bug')")]
        assert good.status == "done"

    run(scenario())


def test_options_name_what_is_wrong():
    for bad in ({"model": "huge"}, {"output": "jpeg"}):
        try:
            CutOptions(**bad)
        except BadInput as error:
            assert repr(next(iter(bad.values()))) in str(error)
        else:
            raise AssertionError(f"{bad} was accepted")


def test_the_engine_hears_the_queue_is_idle_once_a_run_of_jobs_is_over():
    async def scenario():
        engine = FakeEngine()
        queue = JobQueue(engine)
        jobs = [queue.submit(name, CutOptions(), source="page", name=name) for name in ("a", "bad", "b")]
        await asyncio.gather(*(job.outcome() for job in jobs))
        await settle()
        assert engine.idled == [["a", "bad", "b"]]  # not between jobs, nor after the failed one
        await queue.submit("c", CutOptions(), source="api", name="c").outcome()
        await settle()
        assert engine.idled == [["a", "bad", "b"], ["a", "bad", "b", "c"]]

    run(scenario())
