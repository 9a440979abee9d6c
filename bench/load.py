#!/usr/bin/env python
"""Load test of the production-like stack on loopback: PostgreSQL, Redis, gunicorn, a worker.

    .venv/bin/python bench/load.py                 # 2 minutes of 50 firms, ~3 minutes in all
    .venv/bin/python bench/load.py --duration 20 --baseline-duration 8   # the CI version

It creates its own database (``readiness_bench``, dropped and re-created each run) on the
PostgreSQL server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432), uses Redis db 13
of REDIS_URL (default redis://127.0.0.1:6379), and runs three locust phases against one gunicorn:

1. baseline: 50 clients on GET /healthz (the trivial view);
2. save: 50 clients each saving a pillar of its draft again and again (the questionnaire save);
3. journeys: 50 simulated SMEs completing and submitting whole assessments for --duration.

It prints requests per second, p50/p95/p99 and errors per phase, the save/baseline ratio
(target >= 1/3), then checks in the database that every answer the server acknowledged to each
simulated firm is stored, and that every acknowledged submission is submitted. Exit status 1 on
any error or lost answer. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402

DB_NAME = "readiness_bench"
REDIS_DB = 13
SAVE = "POST pillar (save)"


@dataclass
class PhaseResult:
    phase: str
    requests: int
    failures: int
    retried_503: int
    rps: float
    p50: float
    p95: float
    p99: float
    save_rps: float | None = None
    steady_rps: float | None = None
    errors: dict[str, int] | None = None
    cpu_ms_per_request: dict[str, float] | None = None


def _tree_cpu(process) -> float:
    """CPU seconds of a process, its live children, and the children it has already reaped
    (gunicorn's recycled workers, PostgreSQL's closed backends)."""
    import psutil

    try:
        own = process.cpu_times()
        total = own.user + own.system + own.children_user + own.children_system
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                times = child.cpu_times()
                total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


def _postmasters():
    import psutil

    found = []
    for process in psutil.process_iter(["name", "ppid"]):
        with contextlib.suppress(psutil.Error):
            if process.info["name"] == "postgres" and (
                    psutil.Process(process.info["ppid"]).name() != "postgres"):
                found.append(process)
    return found


class CpuMeter:
    """CPU seconds spent during one phase by the load generator, the app server and the
    database, so that a phase's cost per request can be split between them. All three share the
    machine's cores: the split explains the save/baseline ratio (docs/performance.md)."""

    def __init__(self, app_server_pid: int):
        import psutil

        self.app_server = psutil.Process(app_server_pid)
        self.postmasters = _postmasters()

    def __enter__(self) -> CpuMeter:
        self._start = (resource.getrusage(resource.RUSAGE_CHILDREN), _tree_cpu(self.app_server),
                       sum(_tree_cpu(p) for p in self.postmasters))
        return self

    def __exit__(self, *exc) -> None:
        children, app, database = self._start
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The load generator is the only child this process waits for during a phase.
        self.seconds = {
            "load generator": (now.ru_utime + now.ru_stime) - (children.ru_utime + children.ru_stime),
            "app server": _tree_cpu(self.app_server) - app,
            "PostgreSQL": sum(_tree_cpu(p) for p in self.postmasters) - database,
        }


def run_locust(user_class: str, host: str, users: int, seconds: int, out_dir: Path,
               ledger: Path | None = None) -> Path:
    prefix = out_dir / user_class
    env = {**os.environ}
    if ledger is not None:
        env["BENCH_LEDGER"] = str(ledger)
    args = [stack.PYTHON, "-m", "locust", "-f", str(stack.ROOT / "bench" / "locustfile.py"),
            "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
            "--host", host, "--csv", str(prefix), "--csv-full-history", "--only-summary",
            "--stop-timeout", "10",
            "--loglevel", "WARNING", user_class]
    # locust exits 1 when any request failed; the figures below say which and why.
    with open(f"{prefix}.log", "wb") as log:
        subprocess.run(args, cwd=stack.ROOT, env=env, check=False,  # noqa: S603
                       timeout=seconds + 120, stdout=log, stderr=subprocess.STDOUT)
    return prefix


def steady_rps(prefix: Path, name: str) -> float | None:
    """Requests per second of ``name`` over the second half of the phase, from locust's
    per-second history: the ramp-up (and each client's first draft) is left out, so the save
    and the baseline are compared in the same steady state."""
    points: list[tuple[float, int]] = []
    with open(f"{prefix}_stats_history.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                points.append((float(row["Timestamp"]), int(row["Total Request Count"])))
    if len(points) < 4:
        return None
    (t0, c0), (t1, c1) = points[len(points) // 2], points[-1]
    return (c1 - c0) / (t1 - t0) if t1 > t0 else None


def read_phase(phase: str, prefix: Path) -> PhaseResult:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    errors: dict[str, int] = {}
    retried = 0
    with open(f"{prefix}_failures.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            count = int(row["Occurrences"])
            if "503 (retried)" in row["Error"]:
                retried += count
            else:
                errors[f"{row['Method']} {row['Name']}: {row['Error']}"] = count
    save = rows.get(SAVE)
    return PhaseResult(
        phase=phase,
        requests=int(total["Request Count"]),
        failures=sum(errors.values()),
        retried_503=retried,
        rps=float(total["Requests/s"]),
        p50=float(total["50%"]),
        p95=float(total["95%"]),
        p99=float(total["99%"]),
        save_rps=steady_rps(prefix, SAVE) if save else None,
        errors=errors,
        steady_rps=steady_rps(prefix, "Aggregated"),
    )


def verify_ledger(env: dict[str, str], ledger: Path) -> dict[str, int]:
    """Compare every acknowledged answer and submission with the database."""
    expected: dict[str, dict[str, list]] = {}
    submitted: set[str] = set()
    if ledger.exists():
        for line in ledger.read_text("utf-8").splitlines():
            entry = json.loads(line)
            if entry.get("submitted"):
                submitted.add(entry["firm"])
            else:
                expected.setdefault(entry["firm"], {}).update(entry["answers"])
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db.models import Count

    from readiness.models import Answer, Assessment

    stored: dict[str, dict[str, list]] = {}
    rows = Answer.objects.filter(assessment__public_id__in=list(expected)).values_list(
        "assessment__public_id", "dimension_key", "band", "evidence")
    for public_id, key, band, evidence in rows:
        stored.setdefault(str(public_id), {})[key] = [band, evidence]
    lost = [(firm, key) for firm, answers in expected.items() for key, value in answers.items()
            if stored.get(firm, {}).get(key) != value]
    # The unique constraint should make this 0; counted anyway, it is what "no duplicates" means.
    duplicates = (Answer.objects.values("assessment_id", "dimension_key")
                  .annotate(n=Count("id")).filter(n__gt=1).count())
    states = {str(k): v for k, v in Assessment.objects.filter(
        public_id__in=list(submitted)).values_list("public_id", "status")}
    not_submitted = [f for f in submitted if states.get(f) != "submitted"]
    for firm, key in lost[:10]:
        print(f"  LOST {firm} {key}: expected {expected[firm][key]}, "
              f"stored {stored.get(firm, {}).get(key)}")
    return {
        "firms": len(expected),
        "acknowledged_answers": sum(len(a) for a in expected.values()),
        "lost_answers": len(lost),
        "duplicate_rows": duplicates,
        "acknowledged_submissions": len(submitted),
        "lost_submissions": len(not_submitted),
    }


def print_phase(result: PhaseResult) -> None:
    print(f"  {result.phase:<10} {result.requests:>7} req  {result.rps:>8.1f} rps  "
          f"p50 {result.p50:>5.0f} ms  p95 {result.p95:>5.0f} ms  p99 {result.p99:>5.0f} ms  "
          f"errors {result.failures}  503-retried {result.retried_503}")
    if result.cpu_ms_per_request:
        split = ", ".join(f"{name} {ms:.2f}" for name, ms in result.cpu_ms_per_request.items())
        print(f"             CPU ms per request: {split}")
    for error, count in (result.errors or {}).items():
        print(f"      {count} x {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=120, help="journey phase, seconds")
    parser.add_argument("--baseline-duration", type=int, default=20,
                        help="each of the healthz and save phases, seconds")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1,
                        help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (default: config/gunicorn.conf.py's)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="a PostgreSQL URL; only its server is used")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", stack.DEFAULT_REDIS))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    server = (args.database_url if args.database_url.startswith("postgres")
              else stack.DEFAULT_POSTGRES)
    for url, port, what in ((server, 5432, "PostgreSQL"), (args.redis_url, 6379, "Redis")):
        if not stack.reachable(url, port):
            print(f"bench: {what} is not reachable at {url}", file=sys.stderr)
            return 2
    work = stack.scratch_dir("readiness-bench-")
    database_url = stack.postgres_recreate(server, DB_NAME)
    redis_url = stack.with_redis_db(args.redis_url, REDIS_DB)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    # Every simulated firm comes from this one loopback address; the per-address limits on
    # anonymous writes (security review F5) are meant for one real client, not for all of them.
    env = stack.stack_env(database_url, redis_url, work / "static",
                          DJANGO_RATELIMITS="start=1000000/h,submit=1000000/h,share=1000000/h")
    print(f"bench: preparing {DB_NAME} (migrate, framework, static) in {work}")
    stack.prepare(env)
    port = stack.free_port()
    host = f"http://127.0.0.1:{port}"
    server_process = stack.app_server(env, port, args.workers, work,
                                      access_log=work / "access.log", threads=args.threads).start()
    worker = stack.task_worker(env, work, "bench-worker").start()
    ledger = work / "ledger.jsonl"
    try:
        stack.wait_until_up(host, server_process)
        print(f"bench: gunicorn {args.workers} workers x {args.threads or 'default'} threads on "
              f"{host}; {args.users} clients")
        phases = []
        for phase, user_class, seconds in (("healthz", "HealthUser", args.baseline_duration),
                                           ("save", "SaveUser", args.baseline_duration),
                                           ("journeys", "FirmUser", args.duration)):
            with CpuMeter(server_process.pid) as cpu:
                prefix = run_locust(user_class, host, args.users, seconds, work,
                                    None if phase == "healthz" else ledger)
            result = read_phase(phase, prefix)
            if result.requests:
                result.cpu_ms_per_request = {name: round(1000 * spent / result.requests, 2)
                                             for name, spent in cpu.seconds.items()}
            phases.append(result)
    finally:
        worker.stop()
        server_process.stop()
    print("bench: results (no think time; locust shares the machine's cores with the server)")
    for phase in phases:
        print_phase(phase)
    baseline, save, journeys = phases
    baseline_rps = baseline.steady_rps or baseline.rps
    ratio = (save.save_rps or 0) / baseline_rps if baseline_rps else 0.0
    print(f"  steady state: questionnaire save {save.save_rps or 0:.1f} rps / trivial view "
          f"{baseline_rps:.1f} rps "
          f"= {ratio:.2f} (target >= 0.33: {'met' if ratio >= 1 / 3 else 'NOT met'})")
    check = verify_ledger(env, ledger)
    print("bench: database check " + ", ".join(f"{k} {v}" for k, v in check.items()))
    errors = sum(p.failures for p in phases)
    summary = {"phases": [asdict(p) for p in phases], "ratio": ratio, "check": check,
               "users": args.users, "workers": args.workers, "duration": args.duration,
               "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    ok = (errors == 0 and check["lost_answers"] == 0 and check["lost_submissions"] == 0
          and check["duplicate_rows"] == 0 and check["acknowledged_submissions"] > 0)
    print("bench: OK" if ok else "bench: FAILED (errors or lost answers above)")
    stack.postgres_drop(server, DB_NAME)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
