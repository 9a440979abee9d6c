"""Impact (issue 14): change between first and latest assessment, supported firms against a
comparison group, with an interval, the attrition, and suppression of small groups."""

from __future__ import annotations

import statistics

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from advisors import services
from advisors.impact import MIN_GROUP, FirmJourney, estimate, impact_by, overall
from advisors.models import Membership, Organisation
from programmes.models import Programme
from readiness import services as readiness_services
from tests.factories import DIMENSION_KEYS, element_text, make_submitted, sign_in


def journeys(n: int, supported: bool, change: float, *, spread: float = 0.2,
             once: int = 0, programmes=(), cohort="2025") -> list[FirmJourney]:
    result = [FirmJourney(firm_id=i + (1000 if supported else 0), supported=supported,
                          first_score=2.0, latest_score=2.0 + change + (spread if i % 2 else -spread),
                          programmes=tuple(programmes), cohort=cohort)
              for i in range(n)]
    result += [FirmJourney(firm_id=5000 + i + (1000 if supported else 0), supported=supported,
                           first_score=2.0, latest_score=None, programmes=tuple(programmes))
               for i in range(once)]
    return result


def test_the_difference_is_the_supported_firms_extra_change_with_a_range_around_it():
    treated = journeys(20, True, 1.0, once=5)
    control = journeys(30, False, 0.3)
    result = estimate("All", treated, control)
    expected = (statistics.fmean(j.change for j in treated if j.change is not None)
                - statistics.fmean(j.change for j in control))
    assert result.shown and result.difference == pytest.approx(expected)
    low, high = result.interval
    assert low < result.difference < high
    assert low > 0  # a clear difference of 0.7 with a spread of 0.2 excludes zero
    assert result.supported.attrition == pytest.approx(5 / 25)
    assert result.comparison.attrition == 0


def test_more_firms_narrow_the_range():
    small = estimate("small", journeys(12, True, 1.0, spread=0.6), journeys(12, False, 0.3, spread=0.6))
    large = estimate("large", journeys(120, True, 1.0, spread=0.6),
                     journeys(120, False, 0.3, spread=0.6))
    assert (small.interval[1] - small.interval[0]) > 2 * (large.interval[1] - large.interval[0])


def test_small_groups_are_not_estimated():
    result = estimate("few", journeys(MIN_GROUP - 1, True, 1.0, once=10),
                      journeys(50, False, 0.3))
    assert not result.shown and result.interval is None
    assert result.supported.firms == MIN_GROUP - 1 + 10  # still counted, with the attrition


def test_breakdowns_by_programme_compare_with_every_unsupported_firm():
    data = (journeys(12, True, 1.0, programmes=["Made Smarter"])
            + journeys(12, True, 0.1, programmes=["Help to Grow"])
            + journeys(20, False, 0.1))
    by_programme = {e.label: e for e in impact_by(data, lambda j: j.programmes)}
    assert set(by_programme) == {"Help to Grow", "Made Smarter"}
    assert by_programme["Made Smarter"].difference == pytest.approx(0.9)
    assert by_programme["Help to Grow"].difference == pytest.approx(0.0)
    assert by_programme["Made Smarter"].comparison.firms == 20
    assert overall(data).supported.firms == 24


def reassess(first, band: int):
    profile = {field: getattr(first, field) for field in readiness_services.PROFILE_FIELDS}
    second, _ = readiness_services.assessment_start(profile=profile, previous=first)
    readiness_services.answers_save(assessment=second,
                                    answers=dict.fromkeys(DIMENSION_KEYS, (band, "")))
    readiness_services.assessment_submit(assessment=second)
    return second


@pytest.mark.django_db
def test_the_impact_page_reads_the_organisations_own_referrals_and_shares(framework):
    import datetime

    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    programme = Programme.objects.create(slug="grant", name="Adoption Grant", country="GB",
                                         summary="A grant.", source_title="Test",
                                         facts_as_of=datetime.date(2026, 11, 30))
    for i in range(MIN_GROUP + 2):
        supported = i % 2 == 0
        first, _ = make_submitted(company_name=f"Firm {i}", bands=dict.fromkeys(DIMENSION_KEYS, 1))
        share = services.share_create(assessment=first, organisation=hub)
        second = reassess(first, band=4 if supported else 2)
        services.share_create(assessment=second, organisation=hub)
        if supported:
            referral = services.referral_create(share=share, programme=programme, referred_by=None)
            services.referral_update(referral=referral, status="awarded",
                                     status_date=datetime.date(2026, 6, 1),
                                     grant_amount=20000, currency="GBP")
    # Another organisation's firms are not this hub's to count.
    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    other, _ = make_submitted(company_name="Not ours")
    services.share_create(assessment=other, organisation=elsewhere)

    user = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=user, organisation=hub)
    page = sign_in(Client(), user).get(reverse("advisors:impact")).content.decode()
    table = element_text(page, "impact-table")
    assert "All supported firms 6 of 6 3.00 6 of 6 1.00" in table  # 6 each: not estimated
    assert f"Fewer than {MIN_GROUP} re-assessed firms" in table
    assert "self-selection" in page and "Adoption Grant" in table
