#!/usr/bin/env python
"""Fault check: scripts/serve under a killed worker, a stalled Redis and a black-holed PostgreSQL.

    .venv/bin/python bench/faults/stalls.py          # about a minute; needs PostgreSQL, redis-server

It runs scripts/serve (gunicorn, the two task workers, the reaper) against a database of its
own on the machine's PostgreSQL, reached through a TCP proxy of its own (bench/faults/tcpproxy.py),
and a redis-server of its own, so no fault touches anything else on the machine. Then:

1. **Worker killed**: SIGKILL the task worker, then the gunicorn master. scripts/serve must
   start each again (new pids) and the site must answer again.
2. **Redis stalled** (SIGSTOP: connections stay open, nothing answers): API requests (each
   counted against the rate limit in Redis) must answer 200;
   their median time is compared with a baseline measured just before with Redis up, and at
   most one request per gunicorn worker per breaker period (5 s) may wait for the Redis
   timeout (the circuit breaker).
3. **PostgreSQL black-holed** (the proxy holds every byte): pages that need the database must
   answer 503 with Retry-After, never a dropped connection or a gunicorn kill, each within the
   request deadline plus a margin; /healthz must stay 200; once the proxy forwards again, pages
   are 200 with the same gunicorn workers.

Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench import stack  # noqa: E402
from bench.faults.tcpproxy import TcpProxy  # noqa: E402

DB_NAME = "readiness_fault_stalls"
DEADLINE = 6  # DJANGO_REQUEST_DEADLINE for this run, seconds
REDIS_TIMEOUT = 1.0
BREAKER_SECONDS = 5.0  # DJANGO_REDIS_BREAKER_SECONDS


def fetch(url: str, timeout: float = 40) -> tuple[int | str, float, str]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            status, retry = response.status, response.headers.get("Retry-After", "")
    except urllib.error.HTTPError as error:
        status, retry = error.code, error.headers.get("Retry-After", "")
    except OSError as error:  # a dropped or refused connection: not a clean answer
        status, retry = type(error).__name__, ""
    return status, time.monotonic() - started, retry


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def find(serve_pid: int, needle: str) -> int | None:
    """The process of scripts/serve (a child of one of its supervisors) running ``needle``."""
    for supervisor in children(serve_pid):
        for pid in children(supervisor):
            if needle in cmdline(pid):
                return pid
    return None


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--stall-seconds", type=float, default=10)
    parser.add_argument("--probes", type=int, default=20, help="requests per timing sample")
    args = parser.parse_args(argv)

    server_url = os.environ.get("DATABASE_URL", "")
    server_url = server_url if server_url.startswith("postgres") else stack.DEFAULT_POSTGRES
    if not stack.reachable(server_url, 5432) or shutil.which("redis-server") is None:
        print("stalls: needs PostgreSQL reachable and redis-server installed", file=sys.stderr)
        return 2
    direct = stack.postgres_recreate(server_url, DB_NAME)
    parts = urlsplit(direct)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432)).start()
    proxied = direct.replace(f"{parts.hostname}:{parts.port or 5432}", f"127.0.0.1:{proxy.port}")
    redis_port = stack.free_port()
    redis = subprocess.Popen([shutil.which("redis-server"), "--port", str(redis_port),  # noqa: S603
                              "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = stack.scratch_dir("readiness-fault-stalls-")
    port = stack.free_port()
    env = stack.stack_env(proxied, f"redis://127.0.0.1:{redis_port}/0", work / "static",
                          PORT=str(port), GUNICORN_WORKERS=str(args.workers),
                          DJANGO_REQUEST_DEADLINE=str(DEADLINE),
                          DJANGO_REDIS_TIMEOUT=str(REDIS_TIMEOUT),
                          DJANGO_REDIS_BREAKER_SECONDS=str(BREAKER_SECONDS),
                          SERVE_LOAD_PROGRAMMES="1")
    serve = stack.Process(["scripts/serve"], env, work / "serve.log").start()
    host = f"http://127.0.0.1:{port}"
    ok = True

    def check(condition: bool, message: str) -> None:
        nonlocal ok
        ok &= condition
        print(("stalls: OK   " if condition else "stalls: FAIL ") + message)

    try:
        stack.wait_until_up(host, serve, timeout=180)
        page = f"{host}/programmes/"
        assert fetch(page)[0] == 200, serve.log()[-3000:]

        # 1. Worker killed ------------------------------------------------------------------
        worker = find(serve.pid, "task_worker --queue-name default")
        gunicorn = find(serve.pid, "gunicorn")
        os.kill(worker, signal.SIGKILL)
        restarted = wait_until(lambda: (find(serve.pid, "task_worker --queue-name default")
                                        or worker) != worker, 30)
        check(restarted, "the task worker, killed, was started again by scripts/serve")
        os.kill(gunicorn, signal.SIGKILL)
        back = wait_until(lambda: (find(serve.pid, "gunicorn") or gunicorn) != gunicorn
                          and fetch(page, timeout=5)[0] == 200, 60)
        check(back, "the gunicorn master, killed, was started again and the site answers")
        wait_until(lambda: len(children(find(serve.pid, "gunicorn") or 0)) >= args.workers, 30)

        # 2. Redis stalled ------------------------------------------------------------------
        # The API counts every request against its rate limit in Redis.
        counted = f"{host}/api/v1/programmes?country=GB"
        baseline = [fetch(counted) for _ in range(args.probes)]
        os.kill(redis.pid, signal.SIGSTOP)
        stall_started = time.monotonic()
        stalled = [fetch(counted) for _ in range(args.probes)]
        stall_seconds = time.monotonic() - stall_started
        os.kill(redis.pid, signal.SIGCONT)
        # The breaker lets one call per worker through every BREAKER_SECONDS to see if Redis is
        # back; each such call waits for the timeout while it is not.
        allowed = args.workers * (1 + int(stall_seconds // BREAKER_SECONDS))
        base_median = statistics.median(t for _, t, _ in baseline)
        stall_median = statistics.median(t for _, t, _ in stalled)
        waited = sum(t >= REDIS_TIMEOUT for _, t, _ in stalled)
        print(f"stalls: Redis stalled: median {stall_median * 1000:.0f} ms against "
              f"{base_median * 1000:.0f} ms with Redis up (ratio {stall_median / base_median:.2f});"
              f" {waited} of {len(stalled)} requests waited for the {REDIS_TIMEOUT:.0f} s timeout;"
              f" slowest {max(t for _, t, _ in stalled):.2f} s")
        check({s for s, _, _ in stalled} == {200}, "every page answered 200 while Redis was stalled")
        check(waited <= allowed, f"at most one request per worker per {BREAKER_SECONDS:.0f} s "
                                 f"waited for Redis ({allowed} in {stall_seconds:.1f} s)")
        check(stall_median / base_median < 3, "the median page was under 3x the baseline")

        # 3. PostgreSQL black-holed ---------------------------------------------------------
        pids_before = set(children(find(serve.pid, "gunicorn") or 0))
        proxy.stall()
        results: list[tuple[str, tuple[int | str, float, str]]] = []

        def probe(kind: str, url: str) -> None:
            end = time.monotonic() + args.stall_seconds
            while time.monotonic() < end:
                results.append((kind, fetch(url)))
                time.sleep(0.3)

        threads = [threading.Thread(target=probe, args=("page", page)),
                   threading.Thread(target=probe, args=("health", f"{host}/healthz"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        proxy.forward()
        pages = [r for kind, r in results if kind == "page"]
        health = [r for kind, r in results if kind == "health"]
        print(f"stalls: PostgreSQL black-holed: pages answered {sorted({str(s) for s, _, _ in pages})}"
              f" (slowest {max(t for _, t, _ in pages):.1f} s), /healthz answered "
              f"{sorted({str(s) for s, _, _ in health})} (slowest {max(t for _, t, _ in health):.1f} s)")
        check({s for s, _, _ in pages} <= {503} and all(r for _, _, r in pages),
              "pages needing the database answered 503 with Retry-After, no dropped connection")
        check(max(t for _, t, _ in pages) <= DEADLINE + 6,
              f"each within the {DEADLINE} s request deadline (plus a connect timeout)")
        check({s for s, _, _ in health} == {200}, "/healthz stayed 200")
        recovered = wait_until(lambda: fetch(page, timeout=10)[0] == 200, 30)
        pids_after = set(children(find(serve.pid, "gunicorn") or 0))
        check(recovered, "pages are 200 again once PostgreSQL answers")
        check(pids_before == pids_after, "with the same gunicorn workers (none was killed)")
    finally:
        serve.stop(timeout=40)
        with_redis = redis.poll() is None
        if with_redis:
            os.kill(redis.pid, signal.SIGCONT)
            redis.kill()
            redis.wait(10)
        proxy.stop()
        stack.postgres_drop(server_url, DB_NAME)
    print("stalls: OK" if ok else f"stalls: FAILED (log: {work / 'serve.log'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
