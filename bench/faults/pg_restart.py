#!/usr/bin/env python
"""Fault check: PostgreSQL stops and starts again while 50 simulated SMEs fill in assessments.

    .venv/bin/python bench/faults/pg_restart.py            # ~1 minute; needs root (pg_ctlcluster)

Against the production-like stack on loopback (gunicorn, a task worker, Redis), it runs the
journey load, and after --fault-at seconds stops the PostgreSQL cluster for --down-seconds and
starts it again (pg_ctlcluster stop -m fast / start, as a restart does). The cluster is one of
its own (pg_createcluster on a free port, dropped afterwards), so that other users of the
machine's PostgreSQL are not hit; --cluster 15/main uses an existing one instead. It checks that

* while the database is down, requests fail cleanly: 503 "back in a moment" with Retry-After
  (the simulated firms retry after a pause), never a 500 or a dropped connection, and
  /healthz stays up;
* the app recovers without a restart: the same gunicorn workers serve database pages again and
  firms complete and submit assessments after the restart;
* no acknowledged answer is lost: every save the server answered with a redirect is in the
  database afterwards.

Exit status 1 if any of these fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench import stack  # noqa: E402
from bench.load import print_phase, read_phase, run_locust, verify_ledger  # noqa: E402

DB_NAME = "readiness_fault_pg"
REDIS_DB = 11


OWN_CLUSTER = "readiness_fault"


def installed_version() -> str:
    """The PostgreSQL major version of the machine's clusters (pg_lsclusters), e.g. "15"."""
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0]


def create_cluster(version: str, port: int) -> None:
    subprocess.run(["pg_dropcluster", "--stop", version, OWN_CLUSTER],  # noqa: S603
                   capture_output=True, check=False)
    subprocess.run(["pg_createcluster", version, OWN_CLUSTER, "-p", str(port), "--start",  # noqa: S603
                    "--", "--auth-local=trust", "--auth-host=trust"],
                   check=True, capture_output=True, timeout=120)


def drop_cluster(version: str) -> None:
    subprocess.run(["pg_dropcluster", "--stop", version, OWN_CLUSTER],  # noqa: S603
                   check=False, capture_output=True, timeout=120)


def pg_ctl(cluster: tuple[str, str], action: str) -> None:
    args = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, action]
    if action == "stop":
        args += ["-m", "fast"]  # what a restart does: abort open transactions
    subprocess.run(args, check=True, timeout=60, capture_output=True)  # noqa: S603


def status_of(url: str) -> int | str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:  # a dropped connection: not a clean failure
        return type(error).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=50, help="load, seconds")
    parser.add_argument("--fault-at", type=int, default=20, help="seconds into the load")
    parser.add_argument("--down-seconds", type=float, default=4)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--cluster", help="VERSION/NAME of an existing local cluster to stop "
                                          "and start (default: a cluster of its own)")
    args = parser.parse_args(argv)

    redis_url = os.environ.get("REDIS_URL") or stack.DEFAULT_REDIS
    if not stack.reachable(redis_url, 6379):
        print("fault: Redis must be running locally", file=sys.stderr)
        return 2
    version = installed_version()
    if args.cluster:
        cluster = tuple(args.cluster.split("/", 1))
        port = subprocess.run(["pg_conftool", *cluster, "show", "-s", "port"],  # noqa: S603
                              capture_output=True, text=True, check=True).stdout.strip()
        server = f"postgres://postgres@127.0.0.1:{port}/postgres"
    else:
        cluster = (version, OWN_CLUSTER)
        port = stack.free_port()
        print(f"fault: creating PostgreSQL cluster {version}/{OWN_CLUSTER} on port {port}")
        create_cluster(version, port)
        server = f"postgres://postgres@127.0.0.1:{port}/postgres"
    try:
        return run(args, cluster, server, redis_url)
    finally:
        if not args.cluster:
            drop_cluster(version)


def run(args: argparse.Namespace, cluster: tuple[str, str], server: str, redis_url: str) -> int:
    work = stack.scratch_dir("readiness-fault-pg-")
    database_url = stack.postgres_recreate(server, DB_NAME)
    redis_url = stack.with_redis_db(redis_url, REDIS_DB)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    # Every simulated firm comes from one address: the per-address limits on anonymous writes
    # (security review F5) are meant for one real client, not what this run measures.
    env = stack.stack_env(database_url, redis_url, work / "static",
                          DJANGO_RATELIMITS="start=1000000/h,submit=1000000/h,share=1000000/h")
    stack.prepare(env)
    port = stack.free_port()
    host = f"http://127.0.0.1:{port}"
    app = stack.app_server(env, port, args.workers, work).start()
    worker = stack.task_worker(env, work, "fault-worker").start()
    ledger = work / "ledger.jsonl"
    probes: list[tuple[str, int | str, int | str]] = []
    marks: dict[str, float] = {}

    def fault() -> None:
        time.sleep(args.fault_at)
        marks["stop"] = time.monotonic()
        pg_ctl(cluster, "stop")
        end = time.monotonic() + args.down_seconds
        while time.monotonic() < end:  # what a visitor and a load balancer see meanwhile
            probes.append(("down", status_of(f"{host}/"), status_of(f"{host}/healthz")))
            time.sleep(0.5)
        pg_ctl(cluster, "start")
        marks["start"] = time.monotonic()
        marks["ledger_at_start"] = ledger.stat().st_size if ledger.exists() else 0
        for _ in range(60):  # recovery: the same workers serve database pages again
            page = status_of(f"{host}/")
            probes.append(("after", page, status_of(f"{host}/healthz")))
            if page == 200:
                marks["recovered"] = time.monotonic()
                break
            time.sleep(0.5)

    pids_before = set()
    try:
        stack.wait_until_up(host, app)
        # The first worker answers while the others may still be booting: wait for all of them,
        # or a late boot would look like a restart.
        deadline = time.monotonic() + 30
        while True:
            pids_before = set(subprocess.run(["pgrep", "-P", str(app.pid)], capture_output=True,
                                             text=True).stdout.split())
            if len(pids_before) >= args.workers or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        injector = threading.Thread(target=fault)
        injector.start()
        result = read_phase("journeys", run_locust("FirmUser", host, args.users, args.duration,
                                                   work, ledger))
        injector.join(120)
        pids_after = set(subprocess.run(["pgrep", "-P", str(app.pid)], capture_output=True,
                                        text=True).stdout.split())
    finally:
        worker.stop()
        app.stop()
        if "start" not in marks:
            pg_ctl(cluster, "start")  # never leave the machine's database stopped

    print_phase(result)
    down = [p for p in probes if p[0] == "down"]
    down_pages = sorted({str(p[1]) for p in down})
    down_health = sorted({str(p[2]) for p in down})
    print(f"fault: during the outage, / answered {down_pages}, /healthz answered {down_health}")
    recovered = marks.get("recovered")
    if recovered:
        print(f"fault: database pages back {recovered - marks['start']:.1f} s after PostgreSQL "
              f"started, with the same gunicorn workers: {pids_before == pids_after} "
              f"({len(pids_after)} workers)")
    after = ledger.read_bytes()[int(marks.get("ledger_at_start", 0)):].decode().splitlines()
    submitted_after = sum('"submitted": true' in line for line in after)
    print(f"fault: assessments submitted after the restart: {submitted_after}")
    check = verify_ledger(env, ledger)
    print("fault: database check " + ", ".join(f"{k} {v}" for k, v in check.items()))
    # The home page may be served without the database (nothing on it is read from there);
    # what must never happen is an error or a dropped connection.
    ok = (result.failures == 0 and down and set(down_pages) <= {"503", "200"}
          and set(down_health) == {"200"} and recovered is not None
          and pids_before == pids_after and submitted_after > 0
          and check["lost_answers"] == 0 and check["lost_submissions"] == 0)
    print("fault: OK" if ok else "fault: FAILED")
    stack.postgres_drop(server, DB_NAME)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
