#!/usr/bin/env python
"""Our whole questionnaire against django-survey-and-report's one-page survey (issue 18).

    .venv/bin/pip install django-survey-and-report==1.5.0   # the peer; bench only
    .venv/bin/python bench/peer/compare.py                  # --rounds 5 --seconds 2

Both are served the same way: in-process through Django's test client, each in a process of
its own (two settings modules cannot share one), on a scratch SQLite database, with sessions in
the database. The peer asks the same questions on one page: the profile (name, country, region,
headcount, sector, e-mail), a band (0-5 or not applicable) and an evidence note for each of our
16 dimensions, the objectives and the cost shares. One completion is:

* ours: GET and POST the profile, GET and POST each of the 8 pillar pages, POST the objectives,
  GET the review, POST the submission, GET the results (22 requests, as bench/locustfile.py);
* peer: GET the survey, POST it, GET the confirmation page it redirects to (3 requests).

The two processes run in alternating rounds (each told by this driver to run for a while and
report its completions a second), so that both sides of the ratio see the same machine state;
the figure is the median of each side's rounds. Goal (issue 18): ours at least twice the peer's.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 2.0


# Workers ------------------------------------------------------------------------------------------


def ours_worker(db_path: Path):
    from bench.engine import setup_django

    setup_django(db_path)
    from django.test import Client

    from bench.journey import COSTS, OBJECTIVES, PILLARS, pillar_form, random_answers

    def complete() -> None:
        client = Client()
        assert client.get("/start/").status_code == 200
        response = client.post("/start/", {
            "company_name": f"Bench Firm {random.randrange(10**9)}", "country": "GB",
            "region": "North West", "employees": str(random.randint(5, 240)), "turnover": "",
            "turnover_currency": "", "sector": random.choice(["10", "22", "25", "28", "29"]),
            "contact_email": ""})
        assert response.status_code == 302, response.status_code
        base = response["Location"].rsplit("/", 3)[0]  # /assessment/<id>
        for key in PILLARS:
            path = f"{base}/pillar/{key}/"
            assert client.get(path).status_code == 200, path
            saved = client.post(path, {**pillar_form(random_answers(key)), "go": "next"})
            assert saved.status_code == 302, (path, saved.status_code)
        shares = dict(zip(COSTS, [40, 30, 20, 10, 0, 0], strict=True))
        form = {"objectives": random.sample(OBJECTIVES, 3),
                **{f"cost_{k}": str(v) for k, v in shares.items() if v}}
        assert client.post(f"{base}/objectives/", form).status_code == 302
        assert client.get(f"{base}/review/").status_code == 200
        assert client.post(f"{base}/review/", {}).status_code == 302
        assert client.get(f"{base}/results/").status_code == 200

    return complete


def peer_worker(db_path: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer.settings"
    os.environ["PEER_DATABASE"] = str(db_path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.test import Client
    from survey.models import Question, Survey

    from bench.journey import COSTS, FRAMEWORK, OBJECTIVES
    from readiness.reference import GB_REGIONS, ISIC_DIVISIONS, country_choices

    def plain(text: str) -> str:  # the survey separates choices with commas
        return " ".join(str(text).replace(",", " ").split())

    survey = Survey.objects.create(
        name="Industry 4.0 readiness", description="The same questions as ours, on one page.",
        is_published=True, need_logged_user=False, editable_answers=True,
        display_method=Survey.ALL_IN_ONE_PAGE)
    order = iter(range(1, 1000))
    fields: list[tuple[Question, str]] = []  # (question, how to answer it)

    def ask(text: str, kind: str, how: str, choices: list[str] | None = None,
            required: bool = True) -> None:
        question = Question.objects.create(
            survey=survey, text=text, order=next(order), required=required, type=kind,
            choices=",".join(plain(c) for c in choices) if choices else None)
        fields.append((question, how))

    ask("Company name", Question.SHORT_TEXT, "name")
    ask("Country", Question.SELECT, "choice", [f"{code} {name}" for code, name in country_choices()])
    ask("Region", Question.SELECT, "choice", list(GB_REGIONS))
    ask("Employees", Question.INTEGER, "number")
    ask("Sector", Question.SELECT, "choice",
        [f"{code} {name}" for code, name in ISIC_DIVISIONS.items()])
    ask("Contact e-mail", Question.SHORT_TEXT, "blank", required=False)
    for block in FRAMEWORK["blocks"]:
        for pillar in block["pillars"]:
            for dim in pillar["dimensions"]:
                ask(dim["name"], Question.RADIO, "choice",
                    [f"Band {b}" for b in range(6)] + ["Not applicable"])
                ask(f"{dim['name']}: evidence", Question.TEXT, "note", required=False)
    ask("Objectives", Question.SELECT_MULTIPLE, "choices", OBJECTIVES)
    for key in COSTS:
        ask(f"Share of costs: {key}", Question.INTEGER, "share", required=False)

    def answer(question: Question, how: str) -> object:
        if how == "choice":
            return random.choice(question.get_choices())[0]
        if how == "choices":
            return [c[0] for c in random.sample(question.get_choices(), 3)]
        if how == "number":
            return str(random.randint(5, 240))
        if how == "share":
            return str(random.choice([0, 10, 20, 30, 40]))
        if how == "name":
            return f"Bench Firm {random.randrange(10**9)}"
        if how == "note":
            return f"bench note {random.randrange(10**8)}" if random.random() < 0.5 else ""
        return ""

    path = f"/survey/{survey.pk}/"

    def complete() -> None:
        client = Client()
        assert client.get(path).status_code == 200
        data = {f"question_{q.pk}": answer(q, how) for q, how in fields}
        response = client.post(path, data)
        assert response.status_code == 302, response.content[:2000]
        assert client.get(response["Location"]).status_code == 200

    return complete


def serve(kind: str, db_path: Path) -> None:
    """Run as a worker: set up, then answer each "run <seconds>" line with a rate."""
    complete = (ours_worker if kind == "ours" else peer_worker)(db_path)
    complete()  # warm: imports, per-process copies, first migrations' caches
    print("ready", flush=True)
    for line in sys.stdin:
        seconds = float(line.split()[1])
        done, started = 0, time.perf_counter()
        while True:
            complete()
            done += 1
            elapsed = time.perf_counter() - started
            if elapsed >= seconds:
                break
        print(f"{done / elapsed}", flush=True)


# Driver -------------------------------------------------------------------------------------------


def start(kind: str, folder: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, __file__, "--worker", kind, "--db", str(folder / f"{kind}.sqlite3")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "DJANGO_LOG_LEVEL": "ERROR"})
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "ready":
            return process
    raise SystemExit(f"the {kind} worker did not start (exit {process.wait()})")


def ask_rate(process: subprocess.Popen, seconds: float) -> float:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(f"run {seconds}\n")
    process.stdin.flush()
    return float(process.stdout.readline())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--worker", choices=["ours", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        serve(options.worker, Path(options.db))
        return 0
    if importlib.util.find_spec("survey") is None:
        print("Install the peer first: .venv/bin/pip install django-survey-and-report==1.5.0")
        return 2
    with tempfile.TemporaryDirectory() as folder:
        ours, peer = start("ours", Path(folder)), start("peer", Path(folder))
        try:
            ours_rates, peer_rates = [], []
            for _ in range(options.rounds):
                ours_rates.append(ask_rate(ours, options.seconds))
                peer_rates.append(ask_rate(peer, options.seconds))
        finally:
            for process in (ours, peer):
                assert process.stdin is not None
                process.stdin.close()
                process.wait()
    ours_rate, peer_rate = statistics.median(ours_rates), statistics.median(peer_rates)
    ratio = ours_rate / peer_rate
    print(f"{'ours (whole questionnaires/s)':>32}: {ours_rate:,.2f}  rounds {ours_rates}")
    print(f"{'peer (one-page surveys/s)':>32}: {peer_rate:,.2f}  rounds {peer_rates}")
    print(f"{'ours / peer':>32}: {ratio:,.2f}  (goal >= {GOAL})")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
