#!/usr/bin/env python
"""PDF renders must not slow the rest of the site (security review F8).

    .venv/bin/python bench/pdf_isolation.py              # about a minute

The review's attack: a few clients each asking for a draft's PDF now and then (far under any
per-address limit) made an unrelated page 300 times slower, because every draft PDF was
rendered in a web worker. Here, against the production stack on loopback (gunicorn with 3
workers, the reports worker at nice 10 as scripts/serve runs it, SQLite), it measures the
median time of GET /programmes/ alone (baseline), then again while --clients firms each
change an answer and ask for their draft's PDF in a loop (every request a new render), and
prints the ratio of the two medians and how
many PDFs the worker rendered meanwhile. Exit status 1 if the ratio exceeds --max-ratio.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402
from bench.journey import PILLARS, pillar_form, random_answers  # noqa: E402

UUID = re.compile(r"/assessment/([0-9a-f-]{36})/")


def post(session: requests.Session, url: str, data: dict) -> requests.Response:
    return session.post(url, data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                        allow_redirects=False, timeout=60)


def start_draft(base: str, name: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    session.get(f"{base}/start/", timeout=60)
    response = post(session, f"{base}/start/", {
        "company_name": name, "country": "GB", "region": "North West", "employees": "30",
        "sector": "25"})
    return session, UUID.search(response.headers["Location"]).group(1)


def sample(url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.monotonic()
        requests.get(url, timeout=60).raise_for_status()
        times.append(time.monotonic() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--probes", type=int, default=30, help="baseline requests")
    parser.add_argument("--duration", type=float, default=20, help="seconds of PDF load")
    parser.add_argument("--max-ratio", type=float, default=3.0)
    parser.add_argument("--nice", type=int, default=10, help="the report worker's niceness "
                                                              "(scripts/serve's)")
    args = parser.parse_args(argv)

    work = stack.scratch_dir("readiness-pdf-isolation-")
    env = stack.stack_env(f"sqlite:///{work / 'db.sqlite3'}", None, work / "static",
                          DJANGO_MEDIA_ROOT=str(work / "media"),
                          # The per-address limits are not what is measured here.
                          DJANGO_RATELIMITS="pdf=10000/m,pdf_render=10000/h")
    stack.prepare(env)
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    app = stack.app_server(env, port, 3, work).start()
    worker = stack.task_worker(env, work, "pdf-isolation", backend="reports",
                               nice=args.nice).start()
    stop = threading.Event()
    asked = [0]
    try:
        stack.wait_until_up(base, app)
        page = f"{base}/programmes/"
        sample(page, 5)  # warm up
        baseline = sample(page, args.probes)

        def firm(n: int) -> None:
            session, public_id = start_draft(base, f"Render Load {n} Ltd")
            pillars = list(PILLARS)
            while not stop.is_set():
                pillar = pillars[asked[0] % len(pillars)]
                post(session, f"{base}/assessment/{public_id}/pillar/{pillar}/",
                     {**pillar_form(random_answers(pillar)), "go": "next"})
                response = session.get(f"{base}/assessment/{public_id}/report.pdf",
                                       allow_redirects=False, timeout=60)
                assert response.status_code in (200, 302), response.status_code
                asked[0] += 1
                stop.wait(1.0)

        threads = [threading.Thread(target=firm, args=(n,), daemon=True)
                   for n in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(3)  # the queue fills
        loaded: list[float] = []
        end = time.monotonic() + args.duration
        while time.monotonic() < end:
            loaded += sample(page, 1)
        stop.set()
        for thread in threads:
            thread.join(60)
        rendered = sqlite3.connect(work / "db.sqlite3").execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'SUCCESSFUL'").fetchone()[0]
    finally:
        worker.stop()
        app.stop()
    ratio = statistics.median(loaded) / statistics.median(baseline)
    print(f"pdf-isolation: GET /programmes/ median {statistics.median(baseline) * 1000:.0f} ms "
          f"alone, {statistics.median(loaded) * 1000:.0f} ms while {args.clients} firms asked "
          f"for {asked[0]} draft PDFs for {args.duration:.0f} s ({rendered} rendered by the worker "
          f"meanwhile, at most one queued per firm); "
          f"ratio {ratio:.2f} (at most {args.max_ratio})")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
