"""The embedded default as `make run` serves it (issue 10 item 5): runserver and the real task
worker on one SQLite file. A firm's journey in Chromium submits while the worker polls (in a
write transaction, many times a second) and never meets "database is locked"; and when the
database really is busy for longer than the timeout, the styled 503 page keeps what the firm
typed and "Try again" sends it once more."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from statistics import fmean

import pytest
from playwright.sync_api import expect

from bench import stack
from tests.stackutil import query
from tests.system.test_browser_journey import BANDS, choose_band, fill_profile

pytestmark = pytest.mark.browser


class SqliteSite:
    """One SQLite file, migrated, with the framework; servers and workers started on demand."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.database = work / "db.sqlite3"
        self.database_url = f"sqlite:///{self.database}"
        self.processes: list[stack.Process] = []
        # The development defaults `make run` uses, not the test run's database or Redis.
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update({"DATABASE_URL": self.database_url, "PYTHONUNBUFFERED": "1",
                         "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"})

    def server(self, **env: str) -> str:
        port = stack.free_port()
        process = stack.Process(
            [stack.PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            {**self.env, **env}, self.work / f"runserver-{port}.log").start()
        self.processes.append(process)
        base_url = f"http://127.0.0.1:{port}"
        stack.wait_until_up(base_url, process)
        return base_url

    def worker(self, name: str, interval: str) -> stack.Process:
        process = stack.Process(
            [stack.PYTHON, "manage.py", "db_worker", "--queue-name", "default", "--no-reload",
             "--no-startup-delay", "--interval", interval, "--worker-id", name],
            self.env, self.work / f"worker-{name}.log").start()
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[SqliteSite]:
    site = SqliteSite(tmp_path_factory.mktemp("sqlite-site"))
    stack.manage(site.env, "migrate", "--noinput", "-v0")
    stack.manage(site.env, "load_framework", "-v0")
    yield site
    site.stop()


@pytest.fixture
def browser_page(chromium, artifacts_dir):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert not problems, problems


def answer_everything(page, spec) -> None:
    answers = dict(zip(spec.dimension_keys, BANDS, strict=True))
    for pillar in spec.pillars.values():
        expect(page.get_by_role("heading", level=1)).to_have_text(pillar.name)
        for key in pillar.dimensions:
            choose_band(page, key, answers[key])
        page.get_by_role("button", name=re.compile("Save and continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Objectives and cost profile")
    page.get_by_label(re.compile("Productivity:")).check()
    page.get_by_role("button", name=re.compile("Save and continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")


def test_journey_submits_while_task_workers_poll_the_same_sqlite_file(site, browser_page, spec,
                                                                      artifacts_dir):
    base_url = site.server()
    # Two workers polling every 10 ms: each poll is an exclusive write transaction, about a
    # hundred times more often than `make run`'s worker (once a second).
    workers = [site.worker("busy-1", "0.01"), site.worker("busy-2", "0.01")]
    page = browser_page
    page.goto(f"{base_url}/start/")
    fill_profile(page, name="Worker Race Engineering")
    page.get_by_role("button", name="Save and continue").click()
    answer_everything(page, spec)
    page.get_by_role("button", name="Submit and see my results").click()

    expect(page.locator("#overall-score")).to_contain_text(f"{fmean(BANDS):.1f}")
    page.screenshot(path=str(artifacts_dir / "sqlite-worker-journey-results.png"), full_page=True)
    assert all(worker.alive() for worker in workers), [w.log()[-2000:] for w in workers]
    for process in site.processes:
        assert "database is locked" not in process.log(), process.log()[-3000:]
    (status,) = query(site.database_url,
                      "SELECT status FROM readiness_assessment WHERE company_name = %s",
                      ("Worker Race Engineering",))
    assert status == ("submitted",)


def test_busy_database_page_keeps_the_form_and_try_again_sends_it(site, browser_page,
                                                                   artifacts_dir):
    # A server that gives up waiting for the write lock after half a second, and a writer that
    # holds the lock for longer: the real "database is locked", on demand.
    base_url = site.server(DJANGO_SQLITE_TIMEOUT="0.5")
    page = browser_page
    page.goto(f"{base_url}/start/")
    fill_profile(page, name="Locked Out Plastics", employees="61")

    holder = sqlite3.connect(site.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("We are back in a moment")
        # The site's own page: its navigation and styles, and the form kept for one click.
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("link", name="Start an assessment")).to_be_visible()
        kept = page.locator("#try-again-form")
        expect(kept.locator("input[name='company_name']")).to_have_value("Locked Out Plastics")
        expect(kept.locator("input[name='employees']")).to_have_value("61")
        page.screenshot(path=str(artifacts_dir / "error-503-kept-form.png"), full_page=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")
    (employees,) = query(site.database_url,
                         "SELECT employees FROM readiness_assessment WHERE company_name = %s",
                         ("Locked Out Plastics",))
    assert employees == (61,)
