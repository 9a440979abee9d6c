"""The policy lens reads each submission's stored top priorities (filled by the benchmark
refresh) only while the basis they were ranked on holds, and finds the same priorities as when
it ranks every firm itself."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from advisors import selectors
from readiness import services
from readiness.models import Assessment
from tests.factories import DIMENSION_KEYS, answer, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def submissions(framework):
    """Fourteen submissions over two sectors and two size bands, with varied answers,
    objectives and cost profiles; credible, and not yet refreshed (nothing stored)."""
    spec = framework.spec
    rng = random.Random(15)
    made = []
    for i in range(14):
        assessment, _token = make_assessment(
            company_name=f"Firm {i}", sector=("25", "10")[i % 2],
            employees=(12, 140)[(i // 2) % 2])
        answer(assessment, {k: rng.choice([0, 1, 2, 3, 4, 5, None]) for k in DIMENSION_KEYS})
        services.assessment_update_objectives(
            assessment=assessment,
            objectives=rng.sample(list(spec.objective_keys), k=rng.randint(0, 3)),
            cost_profile={k: rng.choice([0.0, 0.5, 1.0]) for k in spec.cost_keys})
        services.assessment_submit(assessment=assessment)
        made.append(assessment)
    Assessment.objects.filter(pk__in=[a.pk for a in made]).update(
        contact_email_verified_at=timezone.now())
    return made


def tops() -> dict[int, tuple[str, ...]]:
    return {firm.firm_id: firm.top_priorities for firm in selectors.policy_firms()}


def test_stored_top_priorities_equal_those_the_lens_ranks(submissions):
    assert not Assessment.objects.exclude(top_dimensions_basis="").exists()
    ranked_by_the_lens = tops()
    assert any(ranked_by_the_lens.values())

    services.benchmarks_refresh_all()

    stored = Assessment.objects.filter(pk__in=[a.pk for a in submissions])
    assert not stored.filter(top_dimensions_basis="").exists()
    for assessment in stored:
        assert tuple(filter(None, assessment.top_dimensions.split(","))) == \
            ranked_by_the_lens[assessment.firm_id]
    assert tops() == ranked_by_the_lens


def test_the_lens_reads_stored_priorities_only_on_todays_basis(submissions):
    services.benchmarks_refresh_all()
    ranked = tops()
    first = Assessment.objects.get(pk=submissions[0].pk)
    assert len(ranked[first.firm_id]) > 1
    reordered = ",".join(reversed(ranked[first.firm_id]))

    # On today's basis the stored value is what the lens reads (it ranks nobody itself)...
    Assessment.objects.filter(pk=first.pk).update(top_dimensions=reordered)
    assert tops()[first.firm_id] == tuple(reordered.split(","))

    # ...and on any other basis (weights or targets since changed) it ranks the firm again.
    Assessment.objects.filter(pk=first.pk).update(top_dimensions_basis="an older basis")
    assert tops() == ranked
