"""Caseload and analytics speed with a large cohort (default 100,000 firms) on PostgreSQL.

    .venv/bin/python bench/caseload.py [--size 100000]

Builds a scratch database (dropped afterwards) with the synthetic cohort, shares every
assessment with one organisation, then times the caseload page in-process (Django's test client,
no network) for typical filters and sorts, next to a trivial view as the baseline, and prints the
query count of each page: it must not grow with the number of rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import stack  # noqa: E402

DB_NAME = "bench_caseload"
RUNS = 5
MAX_QUERIES = 6


def timed(client, url: str, params: dict) -> tuple[float, int, int]:
    from django.db import connection

    times, status = [], 0
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper, not the debug query log: Django resets that log at each request.
    with connection.execute_wrapper(count):
        client.get(url, params)  # warm-up, counted once for the query total
    for _ in range(RUNS):
        started = time.perf_counter()
        status = client.get(url, params).status_code
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_POSTGRES",
                                                                 stack.DEFAULT_POSTGRES))
    args = parser.parse_args()
    if not stack.reachable(args.database_url, 5432):
        print("bench: PostgreSQL is not reachable at", args.database_url)
        return 2
    os.environ["DATABASE_URL"] = stack.postgres_recreate(args.database_url, DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from advisors.demo import load_demo_cohort
    from advisors.models import Membership, Organisation, Share
    from readiness.models import Assessment

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_framework", verbosity=0)
        call_command("load_programmes", verbosity=0)
        load_demo_cohort(args.size)
        national = Organisation.objects.create(name="Bench national network", slug="bench")
        Share.objects.bulk_create(
            (Share(assessment_id=pk, organisation=national)
             for pk in Assessment.objects.values_list("pk", flat=True).iterator()),
            batch_size=5000)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        shares = Share.objects.filter(organisation=national).count()
        print(f"cohort: {args.size} firms, {shares} shared assessments "
              f"(built in {time.perf_counter() - started:.0f} s)")

        user = get_user_model().objects.create_user("bench")
        Membership.objects.create(user=user, organisation=national)
        client = Client()
        client.force_login(user)
        baseline, _, _ = timed(client, "/healthz", {})
        cases = [
            ("newest first", {}),
            ("sector 25", {"sector": "25"}),
            ("country DE, medium firms", {"country": "DE", "size": "medium"}),
            ("by overall score", {"sort": "score", "dir": "desc"}),
            ("firm name search", {"q": "Kestrel Tooling"}),
            ("status follow-up, unassigned", {"status": "follow_up", "assigned": "none"}),
            ("page 2,000", {"page": "2000"}),
        ]
        print(f"{'caseload view':34} {'median':>9} {'x trivial':>10} {'queries':>8}")
        print(f"{'trivial view /healthz':34} {baseline * 1000:7.1f} ms {1:>10.1f}")
        counts = set()
        for label, params in cases:
            median, queries, status = timed(client, "/advisor/", params)
            counts.add(queries)
            print(f"{label:34} {median * 1000:7.1f} ms {median / baseline:>10.1f} {queries:>8}"
                  + ("" if status == 200 else f"  status {status}"))
        # An empty result skips the rows query; otherwise every page costs the same few queries,
        # whatever the number of shared assessments.
        bounded = max(counts) <= MAX_QUERIES
        print(f"queries per caseload page: {sorted(counts)} (bound {MAX_QUERIES}: "
              f"{'ok' if bounded else 'EXCEEDED'})")
        return 0 if bounded else 1
    finally:
        from django.db import connections

        connections.close_all()
        stack.postgres_drop(args.database_url, DB_NAME)


if __name__ == "__main__":
    sys.exit(main())
