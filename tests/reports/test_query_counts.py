"""The questionnaire and results pages run a constant number of queries as answers grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readiness import services
from tests.factories import DIMENSION_KEYS, answer, make_assessment, open_link, url

pytestmark = pytest.mark.django_db



def queries_for(client: Client, path: str) -> int:
    client.get(path)  # warm up: pending messages, session and per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    assert context.captured_queries, "the page should read the assessment from the database"
    return len(context.captured_queries)


def draft_with(bands: dict) -> tuple[Client, object]:
    assessment, token = make_assessment()
    answer(assessment, bands, evidence="some evidence")
    client = Client()
    open_link(client, token)
    return client, assessment


ONE = {"shop_floor_automation": 3}
ALL = {key: i % 6 for i, key in enumerate(DIMENSION_KEYS)}


@pytest.mark.parametrize("pillar", ["automation", "operations", "structure_management"])
def test_pillar_page(framework, pillar):
    few_client, few = draft_with(ONE)
    many_client, many = draft_with(ALL)
    few_count = queries_for(few_client, url("pillar", few, pillar_key=pillar))
    many_count = queries_for(many_client, url("pillar", many, pillar_key=pillar))
    assert few_count == many_count


def test_review_page(framework):
    few_client, few = draft_with(ONE)
    many_client, many = draft_with(ALL)
    assert queries_for(few_client, url("review", few)) == queries_for(
        many_client, url("review", many))


def test_results_page(framework):
    # Submitting needs every dimension rated: 15 N/A and one band, against 16 bands.
    one_band = dict.fromkeys(DIMENSION_KEYS) | ONE
    few_client, few = draft_with(one_band)
    many_client, many = draft_with(ALL)
    for assessment in (few, many):
        services.assessment_submit(assessment=assessment)
    assert queries_for(few_client, url("results", few)) == queries_for(
        many_client, url("results", many))


def test_results_page_does_not_grow_with_peers(framework):
    client, assessment = draft_with(ALL)
    services.assessment_submit(assessment=assessment)
    before = queries_for(client, url("results", assessment))
    for _ in range(3):
        _, peer = draft_with(ALL)
        services.assessment_submit(assessment=peer)
    assert queries_for(client, url("results", assessment)) == before
