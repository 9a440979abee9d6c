"""The policy lens with a large cohort (default 100,000 assessed firms) on PostgreSQL, against
the time of its SQL alone.

    .venv/bin/python bench/policy.py [--size 100000] [--runs 3] [--keep] [--reuse]

``--keep`` leaves the scratch database in place and ``--reuse`` times an earlier kept one
without building it again (building 100,000 firms takes a quarter of an hour on a busy machine).

Builds a scratch database (dropped afterwards) with the synthetic cohort of advisors.demo, made
to count as credible real submissions there (the lens leaves synthetic firms out, and this
database is thrown away), then times in one process, run after run in turn:

* the lens: ``advisors.selectors.policy_lens`` (every table: coverage monthly since 2018, blocker
  decomposition, need-offer gap, policy transfer, freshness, sources);
* its SQL alone: the very statements the lens sent (caught with an execute wrapper), run on a
  cursor and fetched, with no Python work on the rows.

It prints both medians, their ratio (target: at most 2) and the lens's query count, which must
not grow with the number of firms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import stack  # noqa: E402

# BENCH_POLICY_DB names the scratch database, so two people can keep one each.
DB_NAME = os.environ.get("BENCH_POLICY_DB", "bench_policy")
TARGET = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="time a kept scratch database")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_POSTGRES",
                                                                 stack.DEFAULT_POSTGRES))
    args = parser.parse_args()
    if not stack.reachable(args.database_url, 5432):
        print("bench: PostgreSQL is not reachable at", args.database_url)
        return 2
    os.environ["DATABASE_URL"] = (stack.with_database(args.database_url, DB_NAME) if args.reuse
                                  else stack.postgres_recreate(args.database_url, DB_NAME))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Building the cohort updates 100,000 rows at once: more than a request's statement timeout.
    os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT_MS", "900000")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from advisors.demo import load_demo_cohort
    from advisors.selectors import policy_lens
    from readiness.models import Assessment
    from readiness.services import benchmarks_refresh_all

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)  # a kept database may predate a migration
        if not args.reuse:
            call_command("load_framework", verbosity=0)
            call_command("load_programmes", verbosity=0)
            load_demo_cohort(args.size)
        if Assessment.objects.filter(is_synthetic=True).exists():
            Assessment.objects.update(is_synthetic=False,
                                      contact_email_verified_at=timezone.now())
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # What every submission's refresh task does in production (not timed): the cohorts'
        # targets, and each submission's top priorities stored on their basis.
        refreshed = time.perf_counter()
        benchmarks_refresh_all()
        print(f"benchmark refresh (stores top priorities): "
              f"{time.perf_counter() - refreshed:.0f} s")
        print(f"cohort: {Assessment.objects.count()} assessments "
              f"(built in {time.perf_counter() - started:.0f} s)")

        day = timezone.localdate()
        statements: list[tuple[str, object]] = []

        def catch(execute, sql, params, many, context):
            statements.append((sql, params))
            return execute(sql, params, many, context)

        policy_lens(day=day)  # warm-up: the per-process programme index and framework
        with connection.execute_wrapper(catch):
            lens = policy_lens(day=day)
        print(f"lens: {lens.firms} firms counted, {len(statements)} queries")

        def sql_alone() -> None:
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        def lens_run() -> None:
            policy_lens(day=day)

        lens_times, sql_times = [], []
        for _ in range(args.runs):
            for work, times in ((sql_alone, sql_times), (lens_run, lens_times)):
                begun = time.perf_counter()
                work()
                times.append(time.perf_counter() - begun)
        lens_median, sql_median = statistics.median(lens_times), statistics.median(sql_times)
        ratio = lens_median / sql_median
        print(f"SQL alone   {sql_median:8.2f} s (median of {args.runs})")
        print(f"policy lens {lens_median:8.2f} s")
        print(f"ratio lens / SQL alone: {ratio:.2f} (target at most {TARGET:g}: "
              f"{'met' if ratio <= TARGET else 'NOT met'})")
        print(f"as of {day.isoformat()}, coverage months: "
              f"{lens.tables['coverage']['month'].nunique()}, "
              f"run on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
        return 0 if ratio <= TARGET else 1
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            stack.postgres_drop(args.database_url, DB_NAME)


if __name__ == "__main__":
    sys.exit(main())
