"""The engine's shortcuts change nothing a user or an API client sees (issues 10 and 18).

Each shortcut is compared with the long way it replaces, on the real framework and the real
programme fixtures: the bulk table against ``evaluate()`` row by row, matching without fit
sentences against matching with them, funding offers from the programme index against the
programme rows, the plan target form's options drawn once against Django's own select.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.evaluation import evaluate
from programmes.matching import match
from programmes.models import Programme
from programmes.selectors import funding_offers, programme_index_get, programme_match
from readiness.forms import PlanTargetsForm
from readiness.models import PriorityWeights
from readiness.prioritisation import prioritise
from readiness.reference_cache import reference_pinned
from readiness.scoring import score
from readiness.selectors import priority_weights
from reports.bulk import evaluate_rows, payload_from_row
from reports.evaluate import evaluation_request
from reports.schemas import evaluation_body
from tests.factories import DIMENSION_KEYS

pytestmark = pytest.mark.django_db

PLACES = [("GB", "North West"), ("GB", "London"), ("US", "OH"), ("DE", ""), ("SG", ""),
          ("KR", ""), ("TW", ""), ("FR", "")]
SECTORS = ["10", "22", "25", "26", "28", "29"]


def rows(count: int) -> list[dict[str, str]]:
    made = []
    for i, (place, sector) in enumerate(itertools.islice(
            zip(itertools.cycle(PLACES), itertools.cycle(SECTORS)), count)):
        country, region = place
        row = {"company_name": f"Firm {i}", "country": country, "region": region,
               "employees": str(3 + (i * 41) % 600), "sector": sector,
               "objectives": ["productivity;quality", "quality", ""][i % 3],
               "cost_labour": str(10 + i % 50), "cost_energy": str(i % 20)}
        if i % 4 == 0:
            row.update(turnover=str(500_000 * (i % 9)), turnover_currency=["GBP", "EUR"][i % 2])
        for j, key in enumerate(DIMENSION_KEYS):
            row[key] = "na" if (i + j) % 11 == 0 else str((i * 7 + j) % 6)
        made.append(row)
    return made


def test_the_bulk_table_says_what_evaluate_says_row_by_row(framework, loaded):
    spec = framework.spec
    table = rows(48)
    results, problems = evaluate_rows(table, spec)
    assert problems == []
    assert len(results) == len(table)
    compared_matches = 0
    for row, result in zip(table, results, strict=True):

        answer = evaluate(evaluation_request(evaluation_body(payload_from_row(row, spec))), spec,
                          elsewhere=False)
        assert result["overall"] == answer["scores"]["overall"]
        assert result["percent"] == answer["scores"]["percent"]
        assert result["top_priorities"] == ";".join(
            p["dimension"] for p in answer["priorities"][:3])
        assert result["matches"] == ";".join(m["programme"] for m in answer["matches"])
        assert result["best_match_relevance"] == (
            answer["matches"][0]["relevance"] if answer["matches"] else None)
        assert result["near_misses_in_country"] == ";".join(
            n["programme"] for n in answer["near_misses"]
            if all(b["code"] != "country" for b in n["blockers"]))
        compared_matches += len(answer["matches"])
    assert compared_matches > 0  # the rows do reach programmes


@pytest.mark.parametrize("as_of", [datetime.date(2021, 6, 15), datetime.date(2026, 11, 30)])
def test_matching_without_sentences_ranks_and_blocks_the_same(framework, loaded, as_of):
    spec = framework.spec
    names = {k: d.name for k, d in spec.dimensions.items()}
    programmes = programme_index_get().records
    for i, row in enumerate(rows(24)):

        request = evaluation_request(evaluation_body(payload_from_row(row, spec)))
        scores = score(spec, request.answers)
        priorities = prioritise(spec, request.answers, objectives=request.objectives,
                                cost_profile=request.cost_profile)
        full = match(request.profile, scores, priorities, programmes=programmes, as_of=as_of,
                     dimension_names=names)
        bare = match(request.profile, scores, priorities, programmes=programmes, as_of=as_of,
                     dimension_names=names, explain=False)
        assert [(m.slug, m.relevance, m.conditions, m.status) for m in full.matches] == [
            (m.slug, m.relevance, m.conditions, m.status) for m in bare.matches], i
        assert [(n.slug, n.relevance, n.blockers) for n in full.near_misses] == [
            (n.slug, n.relevance, n.blockers) for n in bare.near_misses], i
        # Near misses never carried fit sentences; matches do only when explained.
        if full.matches:
            assert any(len(m.reasons) > len(b.reasons)
                       for m, b in zip(full.matches, bare.matches, strict=True))


def test_funding_offers_come_from_the_index_as_the_rows_say(framework, loaded):
    spec = framework.spec

    offers_seen = 0
    for row in rows(16):
        request = evaluation_request(evaluation_body(payload_from_row(row, spec)))
        scores = score(spec, request.answers)
        priorities = prioritise(spec, request.answers)
        result = programme_match(profile=request.profile, scores=scores, priorities=priorities,
                                 as_of=datetime.date(2026, 11, 30), dimension_names={})
        with CaptureQueriesContext(connection) as context:
            offers = funding_offers(result.matches)
        assert context.captured_queries == []
        money = {p["slug"]: p for p in Programme.objects.values(
            "slug", "match_rate_percent", "amount_max", "amount_currency")}
        for offer in offers:
            assert offer.match_rate_percent == money[offer.slug]["match_rate_percent"]
            assert offer.amount_max == money[offer.slug]["amount_max"]
            assert offer.amount_currency == (money[offer.slug]["amount_currency"] or "")
        offers_seen += len(offers)
    assert offers_seen > 0


def test_a_pinned_block_keeps_one_copy_and_a_later_call_sees_the_change(framework, settings):
    PriorityWeights.objects.create(gap=0.5, kpi=0.25, cost=0.25)
    with reference_pinned():
        before = priority_weights()
        PriorityWeights.objects.create(gap=0.25, kpi=0.25, cost=0.5)
        with CaptureQueriesContext(connection) as context:
            assert priority_weights() == before  # the run's copy: no query, no change
        assert context.captured_queries == []
    assert priority_weights() == {"gap": 0.25, "kpi": 0.25, "cost": 0.5}


def test_plan_target_options_are_djangos_select_with_the_target_marked(framework):
    spec = framework.spec
    for seed in range(12):
        bands = {k: (seed + i) % 7 if (seed + i) % 7 < 6 else None
                 for i, k in enumerate(spec.dimension_keys)}
        targets = {k: 5 for i, k in enumerate(spec.dimension_keys)
                   if i % (seed % 3 + 2) == 0 and bands[k] is not None and bands[k] < 5}
        for data in (None, dict.fromkeys(spec.dimension_keys, "9")):
            ours = PlanTargetsForm(data, spec=spec, bands=bands, targets=targets)
            plain = PlanTargetsForm(data, spec=spec, bands=bands, targets=targets)
            for field in plain.fields.values():
                widget = forms.Select(attrs={"class": "form-select form-select-sm"})
                widget.choices = field.choices
                field.widget = widget
            if data:
                assert not ours.is_valid() and not plain.is_valid()
            assert ours.fields, seed
            for name in ours.fields:
                assert str(ours[name]) == str(plain[name]), (seed, name)
                chosen = targets.get(name)
                if chosen is not None and data is None:
                    assert f'<option value="{chosen}" selected>' in str(ours[name])


@pytest.mark.parametrize("as_of", [datetime.date(2021, 6, 15), datetime.date(2026, 11, 30)])
def test_near_misses_are_listed_as_a_sort_of_the_whole_list_lists_them(framework, loaded, as_of):
    from programmes.selectors import programme_near_misses_elsewhere

    spec = framework.spec
    index = programme_index_get()
    for row in rows(16):
        request = evaluation_request(evaluation_body(payload_from_row(row, spec)))
        scores = score(spec, request.answers)
        priorities = prioritise(spec, request.answers)
        listed = programme_match(profile=request.profile, scores=scores, priorities=priorities,
                                 as_of=as_of, dimension_names={}).near_misses
        here = match(request.profile, scores, priorities,
                     programmes=index.candidates(request.profile.country), as_of=as_of)
        whole = here.near_misses + list(
            programme_near_misses_elsewhere(index, request.profile, as_of))
        whole.sort(key=lambda n: (n.elsewhere, len(n.blockers), -n.relevance, n.name))
        assert [n.slug for n in listed] == [n.slug for n in whole]
        assert any(n.elsewhere for n in listed)
