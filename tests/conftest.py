"""Shared fixtures: the framework in the database, and a real Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# The suite draws the same examples on every run, so that it passes or fails the same way on
# every machine; `make fuzz` (FUZZ_RANDOM=1) draws fresh ones to find new failures.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile("explore" if os.environ.get("FUZZ_RANDOM") else "repeatable")

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _reference_copies_forgotten():
    """Each test starts without the per-process copies of reference data that an earlier test's
    database (flushed or rolled back without a signal) left behind."""
    from readiness.reference_cache import reference_forget

    reference_forget()
    yield
    reference_forget()


@pytest.fixture
def framework(db):
    """Framework v1 loaded into the test database, as `make run` loads it."""
    from readiness.framework import fixture_path
    from readiness.services import framework_load

    version, _ = framework_load(definition=json.loads(fixture_path(1).read_text("utf-8")))
    return version


@pytest.fixture
def loaded(db) -> int:
    """The programme database loaded from its fixture, as `make run` loads it; how many."""
    from django.core.management import call_command

    from programmes.models import Programme

    call_command("load_programmes", verbosity=0)
    return Programme.objects.count()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Every test keeps the files it writes (stored PDFs, ZIP bundles) in a folder of its own:
    never the project's media/ that `make run` serves, nor another test process's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def spec():
    from readiness.framework import load_framework

    return load_framework(1)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run must install it")
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context per test; fails the test on any CSP violation or JS error."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda msg: problems.append(f"console {msg.type}: {msg.text}")
        if msg.type == "error"
        else None,
    )
    page.problems = problems
    yield page
    context.close()
    assert not problems, problems


@pytest.fixture(scope="session", autouse=True)
def _cache_of_this_worker(worker_id):
    """Under pytest-xdist every worker process keeps its cache entries under its own key prefix
    ("gw0", "gw1"; "master" without xdist), so workers sharing one Redis database never read or
    clear each other's rate-limit counters and cached values."""
    from django.conf import settings
    from django.test import override_settings

    caches = {alias: {**config, "KEY_PREFIX": f"test-{worker_id}"}
              for alias, config in settings.CACHES.items()}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache(_cache_of_this_worker):
    """Rate-limit counters (config/ratelimit.py) and cached values live in the cache: no test
    inherits another's. On Redis only this worker's keys are deleted (its prefix), not the
    database; the per-process memory cache is simply cleared."""
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):  # django-redis: the pattern is under KEY_PREFIX
        cache.delete_pattern("*")
    else:
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reports_render_inline(settings):
    """PDF reports render inline (Django's ImmediateBackend) so a download answers at once in
    tests that are about the report; tests/reports/test_f8_report_worker.py puts the real database
    backend back and runs the worker, as production does."""
    settings.TASKS = {**settings.TASKS,
                      "reports": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _language_of_no_request():
    """LocaleMiddleware activates a request's language in the thread that served it and leaves
    it there; the next test starts, as a worker or command does, with the default (en-gb)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
