"""Simulated SMEs for bench/load.py and bench/faults/pg_restart.py (run by locust, headless).

User classes (chosen on the locust command line):
* ``FirmUser``: a whole assessment as a browser does it: the start page, the profile, every
  pillar (random bands and notes), objectives and costs, review and submit, the results; then
  the next firm. Every save the server acknowledged is appended to the ledger
  (BENCH_LEDGER, JSON lines) so that load.py can check the database has all of them.
* ``SaveUser``: one draft per user, then the questionnaire save (a pillar POST) again and again.
* ``HealthUser``: the trivial /healthz view, the baseline.

No think time: the figures are the server's capacity under 50+ concurrent clients, not a
model of humans. A 503 (database briefly down) is retried after a pause, as a person would.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid

from locust import HttpUser, constant, task

from bench.journey import (
    ASSESSMENT_URL,
    COSTS,
    OBJECTIVES,
    PILLARS,
    REGIONS,
    pillar_form,
    random_answers,
)

LEDGER = os.environ.get("BENCH_LEDGER")
RETRY_PAUSE = 0.5
MAX_ATTEMPTS = int(os.environ.get("BENCH_MAX_ATTEMPTS", "60"))


def record(entry: dict) -> None:
    """Append one acknowledged write to the ledger (one greenlet writes at a time)."""
    if LEDGER:
        with open(LEDGER, "a", encoding="utf-8") as ledger:
            ledger.write(json.dumps(entry) + "\n")


class Unavailable(Exception):
    """The server said 503 (or the step needs repeating) more often than we retry."""


class _Firm(HttpUser):
    abstract = True
    wait_time = constant(0)

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _send(self, method: str, path: str, name: str, expect: tuple[int, ...],
              data: dict | None = None):
        """One request; a 503 is retried after a pause (counted, not hidden), anything else
        unexpected fails the step."""
        for _ in range(MAX_ATTEMPTS):
            kwargs = {"name": name, "allow_redirects": False, "catch_response": True}
            if data is not None:
                kwargs["data"] = {**data, "csrfmiddlewaretoken": self._csrf()}
                kwargs["headers"] = {"Referer": self.host + path}
            with self.client.request(method, path, **kwargs) as response:
                if response.status_code in expect:
                    response.success()
                    return response
                if response.status_code == 503:
                    response.failure("503 (retried)")
                    time.sleep(RETRY_PAUSE)
                    continue
                response.failure(f"unexpected {response.status_code}")
                raise Unavailable(f"{name}: {response.status_code}")
        raise Unavailable(f"{name}: still 503 after {MAX_ATTEMPTS} attempts")

    def start_firm(self) -> str:
        self.client.cookies.clear()
        self._send("GET", "/start/", "GET /start/", (200,))
        profile = {
            "company_name": f"Bench Firm {uuid.uuid4().hex[:10]}",
            "country": "GB",
            "region": random.choice(REGIONS),
            "employees": str(random.randint(5, 240)),
            "turnover": "",
            "turnover_currency": "",
            "sector": random.choice(["10", "22", "25", "28", "29"]),
            "contact_email": "",
        }
        response = self._send("POST", "/start/", "POST /start/ (new draft)", (302,), profile)
        match = ASSESSMENT_URL.search(response.headers.get("Location", ""))
        if not match:
            raise Unavailable("no assessment id in the redirect")
        return match.group(1)

    def save_pillar(self, firm: str, pillar_key: str, name: str) -> None:
        answers = random_answers(pillar_key)
        path = f"/assessment/{firm}/pillar/{pillar_key}/"
        self._send("POST", path, name, (302,), {**pillar_form(answers), "go": "next"})
        record({"firm": firm, "answers": {k: list(v) for k, v in answers.items()}})


class FirmUser(_Firm):
    @task
    def whole_assessment(self) -> None:
        try:
            firm = self.start_firm()
            for pillar_key in PILLARS:
                self._send("GET", f"/assessment/{firm}/pillar/{pillar_key}/", "GET pillar", (200,))
                self.save_pillar(firm, pillar_key, "POST pillar (save)")
            objectives = random.sample(OBJECTIVES, 3)
            shares = [40, 30, 20, 10, 0, 0]
            random.shuffle(shares)
            costs = {f"cost_{k}": str(v) for k, v in zip(COSTS, shares, strict=True) if v}
            form = {"objectives": objectives, **costs}
            self._send("POST", f"/assessment/{firm}/objectives/", "POST objectives", (302,), form)
            self._send("GET", f"/assessment/{firm}/review/", "GET review", (200,))
            self._send("POST", f"/assessment/{firm}/review/", "POST review (submit)", (302,), {})
            record({"firm": firm, "submitted": True})
            self._send("GET", f"/assessment/{firm}/results/", "GET results", (200,))
        except Unavailable:
            # Already counted as a failure; a new firm starts (as a person would start again).
            return


class SaveUser(_Firm):
    firm: str | None = None

    def on_start(self) -> None:
        try:
            self.firm = self.start_firm()
        except Unavailable:
            self.firm = None

    @task
    def save(self) -> None:
        if self.firm is None:
            self.on_start()
            return
        try:
            self.save_pillar(self.firm, random.choice(list(PILLARS)), "POST pillar (save)")
        except Unavailable:
            return


class HealthUser(HttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")
