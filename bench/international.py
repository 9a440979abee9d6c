#!/usr/bin/env python
"""The international view's cost against a plain evaluation, measured in one run (issue 15).

    .venv/bin/python bench/international.py            # 5 rounds of 2 s per side
    .venv/bin/python bench/international.py --quick    # 3 rounds of 1 s

It builds a throw-away SQLite database (framework and the programme fixtures), then measures in
alternating rounds, on the same 60 firms (six countries, six sectors, sizes 5 to 400):

* ``plain``: ``evaluate()`` as the API and ``manage.py evaluate`` call it;
* ``international``: the international view alone for the same firm (six countries, every
  region of each, through ``programmes.international_selectors.international_for``);
* ``with_international``: ``evaluate()`` with ``"include": ["international"]``;
* ``*_first_time``: the plain evaluation and the international view for a firm profile seen for
  the first time (each side's per-profile memo emptied before every call: the near misses
  abroad for the plain evaluation, the region sweep for the international view).

Target (issue 15): the international view of one firm costs at most 2x a plain evaluation,
i.e. plain rate / international rate <= 2, both for a firm seen before
(``international_cost_ratio``) and for one seen for the first time (``first_time_cost_ratio``).
Exit status 1 when either is missed. Rates are medians of alternating rounds, so both sides
see the same machine state.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0
COUNTRIES = ("GB", "US", "DE", "SG", "KR", "TW")
SECTORS = ("10", "22", "25", "28", "29", "30")


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_RATELIMIT_ENABLE"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_framework", verbosity=0)
    call_command("load_programmes", verbosity=0)


def payload(index: int, keys: list[str]) -> dict:
    country = COUNTRIES[index % len(COUNTRIES)]
    company = {"company_name": f"Firm {index}", "country": country,
               "employees": 5 + (index * 37) % 400, "sector": SECTORS[index % len(SECTORS)]}
    region = {"GB": "North West", "US": "OH"}.get(country)
    if region:
        company["region"] = region
    return {"company": company,
            "answers": {key: (index + i) % 6 for i, key in enumerate(keys)},
            "objectives": ["productivity", "quality"],
            "cost_profile": {"labour": 40, "materials": 35, "energy": 25}}


def rate(work: Callable[[], object], seconds: float) -> float:
    work()  # warm: imports, per-process copies
    calls, started = 0, time.perf_counter()
    while True:
        work()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return calls / elapsed


def measure(rounds: int, seconds: float) -> dict[str, float]:
    from django.utils import timezone

    from programmes.evaluation import evaluate
    from programmes.international_selectors import _sweeps, international_for
    from programmes.selectors import programme_index_get
    from readiness.framework import CURRENT_VERSION, load_framework
    from readiness.prioritisation import prioritise
    from readiness.scoring import score
    from readiness.selectors import priority_weights, sector_targets
    from reports.evaluate import evaluation_request
    from reports.schemas import evaluation_body

    spec = load_framework(CURRENT_VERSION)
    requests = [evaluation_request(evaluation_body(payload(i, list(spec.dimension_keys))))
                for i in range(60)]
    wide = [dataclasses.replace(r, include=("international",)) for r in requests]
    names = {key: dim.name for key, dim in spec.dimensions.items()}
    today = timezone.localdate()
    # The international view needs the scores and priorities an evaluation has already made.
    made = []
    for request in requests:
        scores = score(spec, request.answers)
        targets = sector_targets(spec, request.profile.sector, request.profile.employees)[0]
        made.append((request.profile, scores, prioritise(
            spec, request.answers, objectives=request.objectives,
            cost_profile=request.cost_profile, targets=targets, weights=priority_weights())))
    cursor = {"i": 0}

    def step() -> int:
        cursor["i"] += 1
        return cursor["i"] % len(requests)

    def plain() -> None:
        evaluate(requests[step()], spec)

    def international() -> None:
        profile, scores, priorities = made[step()]
        international_for(profile=profile, scores=scores, priorities=priorities, as_of=today,
                          dimension_names=names)

    def with_international() -> None:
        evaluate(wide[step()], spec)

    def international_first_time() -> None:
        # A firm profile seen for the first time: the region sweep is not kept yet.
        _sweeps.clear()
        international()

    def plain_first_time() -> None:
        # Likewise for the plain evaluation: its near misses abroad are not kept yet.
        programme_index_get().elsewhere_memo.clear()
        plain()

    parts = {"plain": plain, "international": international,
             "with_international": with_international,
             "plain_first_time": plain_first_time,
             "international_first_time": international_first_time}
    rates: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(rounds):
        for name, work in parts.items():
            rates[name].append(rate(work, seconds))
    medians = {name: statistics.median(values) for name, values in rates.items()}
    return {
        **{f"{name}_rate": value for name, value in medians.items()},
        "international_cost_ratio": medians["plain"] / medians["international"],
        "with_international_cost_ratio": medians["plain"] / medians["with_international"],
        "first_time_cost_ratio": (medians["plain_first_time"]
                                  / medians["international_first_time"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    rounds, seconds = (3, 1.0) if options.quick else (5, 2.0)
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        figures = measure(rounds, seconds)
    for name, value in figures.items():
        print(f"{name:32s} {value:10.2f}")
    ok = True
    for name, label in (("international_cost_ratio", "firm seen before"),
                        ("first_time_cost_ratio", "firm seen for the first time")):
        met = figures[name] <= TARGET_RATIO
        ok = ok and met
        print(f"international view cost / plain evaluation, {label} = {figures[name]:.2f}"
              f" (target <= {TARGET_RATIO}): {'met' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
