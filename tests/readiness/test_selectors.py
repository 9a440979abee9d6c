"""Reads: best-in-class sector targets (DESIGN §4) and the weights in force.

The peers here are credible (a verified contact email) and of one size band (PROFILE's 45
employees: small); who counts is tested in test_benchmarks_f6.py.
"""

from __future__ import annotations

import math

import pytest
from django.utils import timezone

from readiness.models import Assessment, PriorityWeights
from readiness.selectors import assessment_results, priority_weights, sector_targets
from readiness.services import benchmarks_refresh_all
from tests.factories import DIMENSION_KEYS, answer, make_assessment, make_submitted

pytestmark = pytest.mark.django_db

# Twelve submitted peers' bands for vertical_integration, deliberately unsorted.
PEER_BANDS = [2, 0, 5, 1, 0, 4, 2, 1, 3, 0, 2, 1]


SMALL = 45  # employees: the size band of every peer below


def make_peer(bands, **profile):
    """A credible submitted peer: its contact email verified."""
    assessment, token = make_submitted(bands, contact_email="owner@example.com", **profile)
    Assessment.objects.filter(pk=assessment.pk).update(contact_email_verified_at=timezone.now())
    return assessment, token


def targets_of(spec, sector):
    """The targets as a request reads them, after the background refresh has run."""
    benchmarks_refresh_all()
    return sector_targets(spec, sector, SMALL)


def nearest_rank_p90(values: list[int]) -> int:
    """The 90th percentile by the nearest-rank method: the ceil(0.9 n)-th smallest value."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def test_nearest_rank_helper_on_a_known_list():
    # sorted: 0 0 0 1 1 1 2 2 2 3 4 5; ceil(10.8) = 11th value = 4 (not the maximum 5).
    assert nearest_rank_p90(PEER_BANDS) == 4


def test_defaults_with_fewer_than_ten_peers(framework):
    spec = framework.spec
    for band in PEER_BANDS[:9]:
        make_peer({"vertical_integration": band}, sector="25")
    targets, source, peers = targets_of(spec, "25")
    assert peers == 9
    assert targets == {k: spec.dimensions[k].default_target for k in DIMENSION_KEYS}
    assert set(source.values()) == {"default"}


def test_ninetieth_percentile_with_ten_or_more_submitted_peers(framework):
    spec = framework.spec
    for band in PEER_BANDS:
        make_peer({"vertical_integration": band, "horizontal_integration": 5}, sector="25")
    targets, source, peers = targets_of(spec, "25")
    assert peers == 12
    assert targets["vertical_integration"] == 4
    assert source["vertical_integration"] == "peers"
    assert targets["horizontal_integration"] == 5
    # Every other dimension was band 2 for every peer.
    assert targets["strategy_governance"] == 2
    assert source["strategy_governance"] == "peers"


def test_exactly_ten_peers_is_enough(framework):
    bands = [0, 1, 1, 2, 2, 3, 3, 3, 4, 5]
    for band in bands:
        make_peer({"vertical_integration": band}, sector="10")
    targets, source, _ = targets_of(framework.spec, "10")
    assert source["vertical_integration"] == "peers"
    assert targets["vertical_integration"] == nearest_rank_p90(bands) == 4


def test_drafts_and_other_sectors_are_ignored(framework):
    spec = framework.spec
    for band in PEER_BANDS:
        make_peer({"vertical_integration": band}, sector="25")
    # Band-5 drafts in the sector and band-5 submissions elsewhere would move the percentile.
    for _ in range(6):
        draft, _ = make_assessment(sector="25")
        answer(draft, dict.fromkeys(DIMENSION_KEYS, 5))
        make_peer(dict.fromkeys(DIMENSION_KEYS, 5), sector="28")
    targets, source, peers = targets_of(spec, "25")
    assert peers == 12
    assert targets["vertical_integration"] == nearest_rank_p90(PEER_BANDS) == 4
    other, _, other_peers = targets_of(spec, "28")
    assert other_peers == 6
    assert set(other.values()) == {  # fewer than ten peers there: defaults
        spec.dimensions[k].default_target for k in DIMENSION_KEYS}


def test_not_applicable_answers_do_not_count_as_peers_for_that_dimension(framework):
    spec = framework.spec
    # Twelve peers, but only nine of them rate facility_intelligence.
    for i, band in enumerate(PEER_BANDS):
        make_peer({"facility_intelligence": 5 if i < 9 else None,
                        "vertical_integration": band}, sector="25")
    targets, source, _ = targets_of(spec, "25")
    assert source["facility_intelligence"] == "default"
    default = spec.dimensions["facility_intelligence"].default_target
    assert targets["facility_intelligence"] == default
    assert source["vertical_integration"] == "peers"


def test_priority_weights_default_to_settings_and_follow_staff_edits(db, settings):
    settings.PRIORITY_WEIGHTS = {"gap": 2, "kpi": 1, "cost": 1}
    assert priority_weights() == {"gap": 0.5, "kpi": 0.25, "cost": 0.25}
    PriorityWeights.objects.create(gap=1, kpi=1, cost=2)
    assert priority_weights() == {"gap": 0.25, "kpi": 0.25, "cost": 0.5}


def test_assessment_results_combine_scores_and_priorities(framework):
    assessment, _ = make_submitted(
        {"vertical_integration": 0, "horizontal_integration": None}, sector="25")
    data = assessment_results(assessment)
    # 14 dimensions at band 2, one at 0, one N/A: overall 28/15.
    assert data.scores.overall == pytest.approx(28 / 15)
    assert len(data.priorities) == 15
    assert "horizontal_integration" not in {p.dimension for p in data.priorities}
    assert data.priorities[0].dimension == "vertical_integration"  # the largest gap, 4 bands
    # Not credible (no verified email, not reviewed by an organisation): it counts for nobody.
    benchmarks_refresh_all()
    assert assessment_results(assessment).peer_count == 0
