"""F9 and F11: faults degrade, never cascade.

* Redis stalled (SIGSTOP, a black hole): one call waits for the 1 s timeout, then the circuit
  breaker fails the others at once (config/redis_breaker.py).
* A sign-out made while Redis is partitioned stays a sign-out when Redis comes back.
* PostgreSQL cut while the task worker runs: the worker waits it out instead of exiting, and
  runs the task it was given once the database is back.
* A worker killed mid-task and restarted under the same id (scripts/serve does) runs the task
  again at once, without waiting for the reaper.

Each fault hits only this test's own redis-server or its own TCP proxy in front of PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest
import requests
from django.core.cache import caches

from bench import stack
from bench.faults.tcpproxy import TcpProxy
from config.redis_breaker import BREAKER, CircuitBreakerConnection
from tests.stackutil import postgres_server_url, query, require, unmet
from tests.system.test_redis_outage import RedisServer
from tests.system.test_stateless import post

TASKS_TABLE = "django_tasks_database_dbtaskresult"


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        unmet("redis-server installed (this test starts one of its own)")
    server = RedisServer(stack.free_port())
    server.start()
    try:
        yield server
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
        server.kill()


@pytest.fixture
def breaker():
    saved = BREAKER.open_seconds
    BREAKER.reset()
    yield BREAKER
    BREAKER.open_seconds = saved
    BREAKER.reset()


def test_f9_stalled_redis_costs_one_timeout_then_fails_fast(settings, own_redis, breaker):
    settings.CACHES = {**settings.CACHES, "stalled": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{own_redis.port}/0",
        # As config/settings.py configures it with REDIS_URL set.
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True,
                    "CONNECTION_POOL_KWARGS": {"connection_class": CircuitBreakerConnection}},
    }}
    cache = caches["stalled"]
    cache.set("k", "v")
    assert cache.get("k") == "v"

    os.kill(own_redis.process.pid, signal.SIGSTOP)
    answers = [cache.get("k", "fallback") for _ in range(10)]
    assert answers == ["fallback"] * 10  # a miss, never an error
    assert breaker.is_open
    # One call waited for the socket timeout; the others never touched the network.
    assert breaker.failures >= 1 and breaker.refused >= 9

    os.kill(own_redis.process.pid, signal.SIGCONT)
    breaker.open_seconds = 0.2
    time.sleep(0.3)  # the circuit lets a call through again after open_seconds
    assert cache.get("k") == "v"
    assert not breaker.is_open


@pytest.fixture
def stack_on_own_redis(tmp_path, own_redis):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = stack.stack_env(database_url, f"redis://127.0.0.1:{own_redis.port}/0",
                          tmp_path / "static")
    stack.prepare(env)
    stack.manage(env, "shell", "-c", (
        "from django.contrib.auth import get_user_model; from advisors.models import "
        "Membership, Organisation; u = get_user_model().objects.create_user('ann', "
        "password='partition-proof-1'); Membership.objects.create(user=u, "
        "organisation=Organisation.objects.create(name='Hub', slug='hub'))"))
    port = stack.free_port()
    server = stack.app_server(env, port, 2, tmp_path).start()
    try:
        stack.wait_until_up(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.stop()


def test_f11_sign_out_holds_after_a_redis_partition(own_redis, stack_on_own_redis):
    base, server = stack_on_own_redis
    advisor = requests.Session()
    advisor.get(f"{base}/advisor/login/", timeout=30)
    signed_in = post(advisor, f"{base}/advisor/login/",
                     {"username": "ann", "password": "partition-proof-1"})
    assert signed_in.status_code == 302
    old_cookie = advisor.cookies["sessionid"]
    # Signed in (a password-only session is sent on to the second factor, not to sign-in).
    before = advisor.get(f"{base}/advisor/", allow_redirects=False, timeout=30)
    assert before.status_code in (200, 302)
    assert "/login/" not in before.headers.get("Location", "")

    os.kill(own_redis.process.pid, signal.SIGSTOP)  # partitioned: Redis keeps its data
    signed_out = post(advisor, f"{base}/advisor/logout/", {})
    assert signed_out.status_code == 302
    os.kill(own_redis.process.pid, signal.SIGCONT)

    replay = requests.Session()
    replay.cookies.set("sessionid", old_cookie)
    for _ in range(4):  # whichever worker answers
        page = replay.get(f"{base}/advisor/", allow_redirects=False, timeout=30)
        assert page.status_code == 302 and "/login/" in page.headers["Location"]
    assert server.alive()


@pytest.fixture
def postgres_behind_proxy(tmp_path):
    """A database of its own on the machine's PostgreSQL, reached through a TCP proxy."""
    server_url = postgres_server_url()
    require("PostgreSQL", server_url, 5432)
    name = f"h5_worker_outage_{os.getpid()}"
    direct = stack.postgres_recreate(server_url, name)
    from urllib.parse import urlsplit

    parts = urlsplit(direct)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432)).start()
    proxied = direct.replace(f"{parts.hostname}:{parts.port or 5432}",
                             f"127.0.0.1:{proxy.port}")
    env = stack.stack_env(proxied, None, tmp_path / "static", DJANGO_CONN_MAX_AGE="60")
    stack.prepare(env, static=False)
    try:
        yield env, proxy, direct
    finally:
        proxy.stop()
        stack.postgres_drop(server_url, name)


def enqueue_hold(env: dict[str, str], marker: Path, seconds: float) -> str:
    out = stack.manage(env, "shell", "-c", (
        "from tests.fault_tasks import hold; "
        f"print(hold.enqueue({str(marker)!r}, {seconds}).id)"))
    return out.strip().splitlines()[-1]


def task_status(database_url: str, task_id: str) -> str:
    (row,) = query(database_url, f"SELECT status FROM {TASKS_TABLE} WHERE id = %s",  # noqa: S608
                   (task_id,))
    return row[0]


def wait_for(condition, seconds: float, what: str, worker: stack.Process) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}:\n{worker.log()[-3000:]}"
        time.sleep(0.2)


def test_f9_worker_survives_a_database_outage_mid_task(postgres_behind_proxy, tmp_path):
    env, proxy, direct = postgres_behind_proxy
    marker = tmp_path / "started"
    task_id = enqueue_hold(env, marker, 3)
    worker = stack.task_worker(env, tmp_path, "survivor").start()
    try:
        wait_for(marker.exists, 60, "the worker never started the task", worker)
        proxy.cut()  # PostgreSQL gone while the task runs: its outcome cannot be recorded
        time.sleep(6)
        assert worker.alive(), "the worker exited on a database error:\n" + worker.log()[-3000:]
        proxy.forward()
        # Back: the task cut short is queued again under this worker's id and runs to the end
        # (the marker exists, so the re-run returns at once).
        wait_for(lambda: task_status(direct, task_id) == "SUCCESSFUL", 90,
                 "the task never finished after the database came back", worker)
        assert worker.alive()
        assert "database error" in worker.log()
    finally:
        worker.stop()


def test_f9_worker_killed_and_restarted_under_its_id_runs_the_task_again(
        postgres_behind_proxy, tmp_path):
    env, _, direct = postgres_behind_proxy
    marker = tmp_path / "started"
    task_id = enqueue_hold(env, marker, 120)
    doomed = stack.task_worker(env, tmp_path, "serve-worker-1").start()
    wait_for(marker.exists, 60, "the worker never started the task", doomed)
    doomed.kill()
    assert task_status(direct, task_id) == "RUNNING"  # what a killed worker leaves behind

    restarted = stack.task_worker(env, tmp_path, "serve-worker-1").start()
    try:
        wait_for(lambda: task_status(direct, task_id) == "SUCCESSFUL", 90,
                 "the restarted worker did not take the task back", restarted)
    finally:
        restarted.stop()
