#!/usr/bin/env python
"""The evaluation pipeline's speed as rates and ratios measured in one run (issues 10 and 18).

    .venv/bin/python bench/engine.py                  # every measurement
    .venv/bin/python bench/engine.py --quick          # smaller CSVs and fewer rounds
    .venv/bin/python bench/engine.py --only engine    # one part: engine, csv, peers, pages, api

It builds a throw-away SQLite database (framework, the programme fixtures, then synthetic
programmes made here, in the bench only, up to 60 records), and measures, each part against a
baseline taken in the same run on the same machine state:

* engine: the pure engine (score, prioritise, match over 60 in-memory records with fixed targets
  and weights) in evaluations a second (target >= 2,000), and ``evaluate()`` as the API calls it
  (reference data through the selectors) as a share of the pure modules doing the same work,
  the costed plan included (target >= 0.8; the share of the engine without the plan is printed
  beside it);
* csv: ``manage.py evaluate --csv`` on 10,000 firms (target under 10 s) and on 50,000 (rows a
  second at least 0.9 of those at 10,000);
* peers: ``evaluate()`` for a firm whose sector holds 1,000 and then 100,000 submitted firms,
  each as a share of the pure engine's rate measured alongside (target: the cost at 100,000
  within 10 % of that at 1,000);
* pages: the results page against ``/healthz`` (goal >= 1/4) and the profile page (``/start/``)
  against a pillar page (goal: at most twice its cost), in-process through Django's test client;
* api: ``POST /api/v1/evaluate`` (JSON in, schema-checked, evaluated, schema-checked out) against
  ``/healthz`` (the trivial view), in-process the same way (target >= 1/4).

Rates are medians of alternating rounds, so that both sides of a ratio see the same machine
state. On a shared machine the wall-clock rates fall with everyone else's load, so the engine
and page rates are also printed per CPU second of this process (``*_cpu``), and the CSV runs
with the command's CPU seconds; the targets are checked on the wall-clock figures. Exit status
1 when a target is missed. Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROGRAMMES = 60
TARGETS = {
    "engine_rate": 2000.0,  # pure evaluations a second, at least
    "api_share": 0.8,  # evaluate() as the API calls it, share of the pure rate, at least
    "csv_10k_seconds": 10.0,  # at most
    "csv_linearity": 0.9,  # rows/s at 50,000 over rows/s at 10,000, at least
    "peers_growth": 1.10,  # cost at 100,000 firms over cost at 1,000, at most
    "results_vs_health": 0.25,  # results page rate over /healthz rate, at least
    "profile_vs_pillar": 2.0,  # profile page cost over a pillar page's, at most
    "api_vs_health": 0.25,  # POST /api/v1/evaluate rate over /healthz rate, at least
}
COUNTRIES = ("GB", "US", "DE", "SG", "KR", "TW")
SECTORS = ("10", "22", "25", "28", "29", "30")


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_RATELIMIT_ENABLE"] = "0"
    # The API as production serves it: answers written without the development check against
    # their schema (config/settings.py, API_CHECK_RESPONSES).
    os.environ["DJANGO_API_CHECK_RESPONSES"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_framework", verbosity=0)
    call_command("load_programmes", verbosity=0)


def add_synthetic_programmes(total: int) -> int:
    """Copies of the fixture programmes under new slugs (bench database only) up to ``total``."""
    from programmes.models import Programme

    originals = list(Programme.objects.prefetch_related("kinds", "institutions"))
    made = 0
    while len(originals) + made < total:
        source = originals[made % len(originals)]
        kinds = list(source.kinds.all())
        copy = Programme.objects.get(pk=source.pk)
        copy.pk = None
        copy.slug = f"bench-copy-{made}-{source.slug}"[:80]
        copy.name = f"{source.name} (bench copy {made})"
        copy.save()
        copy.kinds.set(kinds)
        made += 1
    return Programme.objects.count()


def payload(index: int) -> dict:
    from readiness.framework import CURRENT_VERSION, load_framework

    spec = load_framework(CURRENT_VERSION)
    country = COUNTRIES[index % len(COUNTRIES)]
    region = {"GB": "North West", "US": "OH"}.get(country)
    company = {"company_name": f"Firm {index}", "country": country,
               "employees": 5 + (index * 37) % 400, "sector": SECTORS[index % len(SECTORS)]}
    if region:
        company["region"] = region
    answers = {key: (index + i) % 6 for i, key in enumerate(spec.dimension_keys)}
    return {"company": company, "answers": answers,
            "objectives": ["productivity", "quality"],
            "cost_profile": {"labour": 40, "materials": 35, "energy": 25}}


# The last rates' calls per second of this process's CPU time, by the work's name: on a shared
# machine the wall-clock rate falls with everyone else's load, this one far less. Printed beside
# the wall-clock figures (the targets are checked on those).
CPU_RATES: dict[str, list[float]] = {}


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls a second over about ``seconds`` of wall time."""
    work()  # warm: imports, per-process copies
    calls = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    while True:
        work()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            cpu = time.process_time() - cpu_started
            CPU_RATES.setdefault(getattr(work, "__name__", "work"), []).append(
                calls / cpu if cpu > 0 else float("nan"))
            return calls / elapsed


def paired(a: Callable[[], object], b: Callable[[], object], rounds: int, seconds: float
           ) -> tuple[float, float]:
    """Median rates of ``a`` and ``b`` measured in alternating rounds."""
    rates_a, rates_b = [], []
    for _ in range(rounds):
        rates_a.append(rate(a, seconds))
        rates_b.append(rate(b, seconds))
    return statistics.median(rates_a), statistics.median(rates_b)


# Parts --------------------------------------------------------------------------------------------


def bench_engine(rounds: int, seconds: float) -> dict[str, float]:
    from django.utils import timezone

    from programmes.matching import match
    from programmes.planning import build_plan
    from programmes.selectors import (
        funding_offers,
        programme_index_get,
        programme_near_misses_elsewhere,
    )
    from programmes.usecases import currency_for, load_usecases
    from readiness.framework import CURRENT_VERSION, load_framework
    from readiness.prioritisation import prioritise
    from readiness.scoring import score
    from readiness.selectors import priority_weights, sector_targets
    from reports.evaluate import evaluate, evaluation_request
    from reports.schemas import evaluation_body

    spec = load_framework(CURRENT_VERSION)
    requests = [evaluation_request(evaluation_body(payload(i))) for i in range(60)]
    index = programme_index_get()
    weights = priority_weights()
    names = {key: dim.name for key, dim in spec.dimensions.items()}
    today = timezone.localdate()
    usecases = load_usecases()
    fixed_targets = [
        sector_targets(spec, request.profile.sector, request.profile.employees)[0]
        for request in requests
    ]
    cursor = {"i": 0}

    def engine() -> tuple[Any, Any, Any, Any]:
        position = cursor["i"] % len(requests)
        request = requests[position]
        cursor["i"] += 1
        scores = score(spec, request.answers)
        priorities = prioritise(spec, scores.dimensions, objectives=request.objectives,
                                cost_profile=request.cost_profile,
                                targets=fixed_targets[position], weights=weights)
        # What programme_match does, over an index built once and no cache stamp to read.
        here = match(request.profile, scores, priorities,
                     programmes=index.candidates(request.profile.country), as_of=today,
                     dimension_names=names)
        elsewhere = programme_near_misses_elsewhere(index, request.profile, today)
        sorted(here.near_misses + list(elsewhere),
               key=lambda n: (n.elsewhere, len(n.blockers), -n.relevance, n.name))
        return request, scores, priorities, here

    def pure() -> None:
        engine()

    def pure_with_plan() -> None:
        # The same work as evaluate() over data already in hand: the costed plan (with its
        # funding offers) too, which the API serves and the engine above leaves out.
        request, scores, priorities, here = engine()
        build_plan(usecases, bands=scores.dimensions, priorities=priorities,
                   sector=request.profile.sector,
                   currency=currency_for(request.profile.country,
                                         request.profile.turnover_currency),
                   offers=funding_offers(here.matches), dimension_names=names)

    def api() -> None:
        request = requests[cursor["i"] % len(requests)]
        cursor["i"] += 1
        evaluate(request, spec)

    CPU_RATES.clear()
    rates: dict[str, list[float]] = {"pure": [], "pure_with_plan": [], "api": []}
    for _ in range(rounds):  # alternating rounds, so that the machine's load falls on all three
        for work in (pure, pure_with_plan, api):
            rates[work.__name__].append(rate(work, seconds))
    pure_rate, plan_rate, api_rate = (statistics.median(rates[name])
                                      for name in ("pure", "pure_with_plan", "api"))
    return {"programmes": len(index.records), "engine_rate": pure_rate,
            "engine_with_plan_rate": plan_rate, "api_rate": api_rate,
            # evaluate() against the pure modules doing the same work: what reading the
            # reference data through the selectors and writing the answer cost.
            "api_share": api_rate / plan_rate,
            "api_share_of_engine_without_plan": api_rate / pure_rate,
            "engine_rate_cpu": statistics.median(CPU_RATES["pure"]),
            "engine_with_plan_rate_cpu": statistics.median(CPU_RATES["pure_with_plan"]),
            "api_rate_cpu": statistics.median(CPU_RATES["api"])}


def write_csv(path: Path, rows: int) -> None:
    from readiness.framework import CURRENT_VERSION, load_framework
    from reports.bulk import table_columns

    spec = load_framework(CURRENT_VERSION)
    columns = table_columns(spec)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for i in range(rows):
            body = payload(i)
            row = {**body["company"], **body["answers"],
                   "objectives": ";".join(body["objectives"]),
                   **{f"cost_{k}": v for k, v in body["cost_profile"].items()}}
            writer.writerow(row)


CSV_CPU_SECONDS: list[float] = []  # the command's CPU time (user + system) for each run


def run_csv(db_path: Path, csv_path: Path) -> float:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "evaluate", "--csv", str(csv_path),
                    "-o", os.devnull], env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CSV_CPU_SECONDS.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def bench_csv(db_path: Path, small: int, large: int) -> dict[str, float]:
    from django.db import connection

    connection.close()  # the subprocess reads the same SQLite file
    with tempfile.TemporaryDirectory() as folder:
        small_csv, large_csv = Path(folder) / "small.csv", Path(folder) / "large.csv"
        write_csv(small_csv, small)
        write_csv(large_csv, large)
        small_seconds = run_csv(db_path, small_csv)
        large_seconds = run_csv(db_path, large_csv)
    small_rate, large_rate = small / small_seconds, large / large_seconds
    small_cpu, large_cpu = CSV_CPU_SECONDS[-2:]
    return {"csv_small_rows": small, "csv_small_seconds": small_seconds,
            "csv_small_cpu_seconds": small_cpu, "csv_large_cpu_seconds": large_cpu,
            "csv_small_rate": small_rate, "csv_large_rows": large,
            "csv_large_seconds": large_seconds, "csv_large_rate": large_rate,
            "csv_linearity": large_rate / small_rate}


def submitted_firms(count: int, *, sector: str = "25") -> None:
    """``count`` submitted, credible firms in one cohort, written in bulk (bench database only)."""
    from django.utils import timezone

    from readiness.models import Assessment, Firm
    from readiness.scoring import score
    from readiness.services import framework_current

    framework = framework_current()
    spec = framework.spec
    now = timezone.now()
    made = 0
    while made < count:
        batch = min(5_000, count - made)
        firms = Firm.objects.bulk_create(Firm(name=f"Peer {made + i}") for i in range(batch))
        assessments = []
        for i, firm in enumerate(firms):
            bands = {key: (made + i + j) % 6 for j, key in enumerate(spec.dimension_keys)}
            scores = score(spec, bands)
            assessments.append(Assessment(
                framework=framework, firm=firm, status=Assessment.Status.SUBMITTED,
                token_hash=f"bench-{firm.pk}", company_name=firm.name, country="GB",
                region="North West", employees=30, sector=sector,
                contact_email="peer@example.com", contact_email_verified_at=now,
                submitted_at=now, scores=scores.as_dict(), overall_score=scores.overall))
        # Their scores as submission stores them; no answer rows, which neither the refresh
        # (it reads the stored scores) nor an evaluation reads.
        Assessment.objects.bulk_create(assessments)
        made += batch


def bench_peers(rounds: int, seconds: float) -> dict[str, float]:
    """The cost of ``evaluate()`` for one firm when its sector holds 1,000 submitted firms and
    after it holds 100,000, each time paired with the pure engine on the same firm (alternating
    rounds), so that a change in the machine's load between the two fills cancels out. The
    targets table is refreshed after each fill, as the background task does."""
    from django.utils import timezone

    from programmes.matching import match
    from programmes.selectors import programme_index_get
    from readiness.framework import CURRENT_VERSION, load_framework
    from readiness.prioritisation import prioritise
    from readiness.scoring import score
    from readiness.services import benchmarks_refresh_all
    from reports.evaluate import evaluate, evaluation_request
    from reports.schemas import evaluation_body

    spec = load_framework(CURRENT_VERSION)
    body = payload(0)
    body["company"].update(country="GB", region="North West", employees=30, sector="28")
    request = evaluation_request(evaluation_body(body))
    names = {key: dim.name for key, dim in spec.dimensions.items()}
    defaults = {key: dim.default_target for key, dim in spec.dimensions.items()}
    weights = {"gap": 0.4, "kpi": 0.3, "cost": 0.3}

    def pure() -> None:
        scores = score(spec, request.answers)
        priorities = prioritise(spec, request.answers, objectives=request.objectives,
                                cost_profile=request.cost_profile, targets=defaults,
                                weights=weights)
        match(request.profile, scores, priorities,
              programmes=programme_index_get().candidates("GB"), as_of=timezone.localdate(),
              dimension_names=names)

    shares = []
    for total in (1_000, 100_000):
        submitted_firms(total - (1_000 if shares else 0), sector="28")
        benchmarks_refresh_all()
        api_rate, pure_rate = paired(lambda: evaluate(request, spec), pure, rounds, seconds)
        shares.append(api_rate / pure_rate)
    return {"peers_1k_share": shares[0], "peers_100k_share": shares[1],
            "peers_growth": shares[0] / shares[1]}


def bench_pages(rounds: int, seconds: float) -> dict[str, float]:
    """Pages in-process through Django's test client (no HTTP server, so no network noise)."""
    from django.test import Client
    from django.urls import reverse

    from readiness import services

    def holder(submit: bool):
        assessment, token = services.assessment_start(profile={
            "company_name": "Bench Pages Ltd", "country": "GB", "region": "North West",
            "employees": 30, "turnover": None, "turnover_currency": "", "sector": "25",
            "contact_email": ""})
        keys = assessment.framework.spec.dimension_keys
        services.answers_save(assessment=assessment,
                              answers={k: (i % 6, "Evidence.") for i, k in enumerate(keys)})
        services.assessment_update_objectives(
            assessment=assessment, objectives=["productivity", "quality"],
            cost_profile={"labour": 50, "materials": 30, "energy": 20})
        if submit:
            services.assessment_submit(assessment=assessment)
        client = Client()
        client.get(reverse("readiness:resume", kwargs={"token": token}))
        return client, assessment

    draft_client, draft = holder(False)
    done_client, done = holder(True)
    health = Client()
    pillar = reverse("readiness:pillar", kwargs={"public_id": draft.public_id,
                                                 "pillar_key": "automation"})
    results = reverse("readiness:results", kwargs={"public_id": done.public_id})

    def get(client, path, name):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        call.__name__ = name
        return call

    CPU_RATES.clear()
    results_rate, health_rate = paired(get(done_client, results, "results"),
                                       get(health, "/healthz", "health"), rounds, seconds)
    profile_rate, pillar_rate = paired(get(Client(), "/start/", "profile"),
                                       get(draft_client, pillar, "pillar"), rounds, seconds)
    cpu = {name: statistics.median(values) for name, values in CPU_RATES.items()}
    return {"results_rate": results_rate, "health_rate": health_rate,
            "results_vs_health": results_rate / health_rate,
            "results_vs_health_cpu": cpu["results"] / cpu["health"],
            "profile_rate": profile_rate, "pillar_rate": pillar_rate,
            "profile_vs_pillar": pillar_rate / profile_rate}


def bench_api(rounds: int, seconds: float) -> dict[str, float]:
    """The API's evaluate operation against the trivial view, through the whole request stack
    (middleware, rate-limit check, ninja's parsing and both schemas), firms taking turns."""
    import json

    from django.test import Client

    bodies = [json.dumps(payload(i)) for i in range(60)]
    client, health = Client(), Client()
    cursor = {"i": 0}

    def evaluate() -> None:
        body = bodies[cursor["i"] % len(bodies)]
        cursor["i"] += 1
        response = client.post("/api/v1/evaluate", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]

    def healthz() -> None:
        assert health.get("/healthz").status_code == 200

    api_rate, health_rate = paired(evaluate, healthz, rounds, seconds)
    return {"api_post_rate": api_rate, "api_health_rate": health_rate,
            "api_vs_health": api_rate / health_rate}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["engine", "csv", "peers", "pages", "api"])
    options = parser.parse_args()
    rounds, seconds = (3, 0.5) if options.quick else (5, 1.0)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.sqlite3"
        setup_django(db_path)
        add_synthetic_programmes(PROGRAMMES)
        figures: dict[str, float] = {}

        def record(part: dict[str, float]) -> None:
            figures.update(part)
            for name, value in part.items():
                print(f"{name:>24}: {value:,.3f}", flush=True)

        if options.only in (None, "engine"):
            record(bench_engine(rounds, seconds))
        if options.only in (None, "pages"):
            record(bench_pages(rounds, seconds))
        if options.only in (None, "api"):
            record(bench_api(rounds, seconds))
        if options.only in (None, "csv"):
            small, large = (2_000, 10_000) if options.quick else (10_000, 50_000)
            record(bench_csv(db_path, small, large))
        if options.only in (None, "peers"):  # last: it fills the database
            record(bench_peers(rounds, seconds))
    missed = missed_targets(figures)
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


def missed_targets(figures: dict[str, float]) -> list[str]:
    at_least = {"engine_rate", "api_share", "csv_linearity", "results_vs_health", "api_vs_health"}
    missed = []
    checks = {**figures}
    if "csv_small_seconds" in figures and figures.get("csv_small_rows") == 10_000:
        checks["csv_10k_seconds"] = figures["csv_small_seconds"]
    for name, target in TARGETS.items():
        if name not in checks:
            continue
        value = checks[name]
        ok = value >= target if name in at_least else value <= target
        if not ok:
            missed.append(f"{name}: {value:,.3f} (target {'>=' if name in at_least else '<='} "
                          f"{target})")
    return missed


if __name__ == "__main__":
    sys.exit(main())
