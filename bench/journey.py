"""What a simulated firm answers (shared by the locustfile and the tests; no locust import
here: locust monkey-patches the standard library with gevent on import)."""

from __future__ import annotations

import json
import random
import re
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = json.loads((ROOT / "fixtures" / "framework" / "v1.json").read_text("utf-8"))
PILLARS: dict[str, list[str]] = {
    pillar["key"]: [d["key"] for d in pillar["dimensions"]]
    for block in FRAMEWORK["blocks"] for pillar in block["pillars"]
}
OBJECTIVES = [o["key"] for o in FRAMEWORK["objectives"]]
COSTS = [c["key"] for c in FRAMEWORK["cost_categories"]]
ASSESSMENT_URL = re.compile(r"/assessment/([0-9a-f-]{36})/")
REGIONS = ["North West", "North East", "London", "Wales", "Scotland", "West Midlands"]


def random_answers(pillar_key: str) -> dict[str, tuple[int | None, str]]:
    answers = {}
    for key in PILLARS[pillar_key]:
        band = None if random.random() < 0.05 else random.randint(0, 5)
        note = f"bench note {uuid.uuid4().hex[:8]}" if random.random() < 0.5 else ""
        answers[key] = (band, note)
    return answers


def pillar_form(answers: dict[str, tuple[int | None, str]]) -> dict[str, str]:
    data = {}
    for key, (band, note) in answers.items():
        data[f"band_{key}"] = "na" if band is None else str(band)
        data[f"evidence_{key}"] = note
    return data
