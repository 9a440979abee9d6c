"""Benchmarks that cannot be gamed (issue 12 item 4; security review F6; docs/benchmarks.md).

Who counts: never synthetic firms; only credible submissions (a verified contact email, or
shared with a real organisation whose advisor opened the case); targets need ten credible firms
of the same sector and size band; peer tables need ten credible peers. The attacks are F6's own.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from advisors import services as advisor_services
from advisors.models import Coverage, Membership, Organisation, Share
from readiness.benchmarks import size_band
from readiness.models import Assessment, BenchmarkCohort
from readiness.selectors import (
    SHARE_STATUSES_REVIEWED,
    assessment_results,
    credible_submissions,
    sector_targets,
)
from readiness.services import benchmark_cohort_refresh, benchmarks_refresh_all
from tests.factories import DIMENSION_KEYS, make_submitted, sign_in

pytestmark = pytest.mark.django_db

ALL_ZERO = dict.fromkeys(DIMENSION_KEYS, 0)
ALL_FIVE = dict.fromkeys(DIMENSION_KEYS, 5)


def verified(assessment: Assessment) -> Assessment:
    """What the double opt-in does when the holder confirms the contact email."""
    Assessment.objects.filter(pk=assessment.pk).update(
        contact_email="owner@example.com", contact_email_verified_at=timezone.now())
    assessment.refresh_from_db()
    return assessment


def credible_peer(bands: dict, **profile) -> Assessment:
    return verified(make_submitted(bands, **profile)[0])


def refresh(assessment: Assessment) -> None:
    """What the background task does after a submission in this firm's cohort."""
    benchmark_cohort_refresh(framework_version=assessment.framework.version,
                             sector=assessment.sector, size_band=size_band(assessment.employees))


@pytest.fixture
def hub(framework):
    organisation = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Coverage.objects.create(organisation=organisation, country="GB", region="North West")
    return organisation


@pytest.fixture
def advisor(hub):
    user = get_user_model().objects.create_user("nw", password="x-unused-x")
    Membership.objects.create(user=user, organisation=hub)
    return sign_in(Client(), user)


# Who counts ---------------------------------------------------------------------------------------


def test_f6_anonymous_submissions_are_not_credible(framework):
    anonymous, _ = make_submitted(ALL_FIVE)
    confirmed = credible_peer(ALL_FIVE)
    counted = set(credible_submissions(framework_version=1).values_list("pk", flat=True))
    assert counted == {confirmed.pk}
    assert anonymous.pk not in counted


def test_f6_synthetic_firms_never_count_even_with_a_verified_email(framework):
    for _ in range(12):
        fake = credible_peer(ALL_FIVE, sector="10")
        Assessment.objects.filter(pk=fake.pk).update(is_synthetic=True)
    benchmarks_refresh_all()
    spec = framework.spec
    targets, source, firms = sector_targets(spec, "10", 45)
    assert firms == 0
    assert set(source.values()) == {"default"}
    assert targets == {k: spec.dimensions[k].default_target for k in DIMENSION_KEYS}


def test_f6_a_share_counts_once_a_real_organisations_advisor_has_opened_it(hub):
    assessment, _ = make_submitted(ALL_FIVE)
    share = advisor_services.share_create(assessment=assessment, organisation=hub)

    def counted() -> bool:
        return credible_submissions(framework_version=1).filter(pk=assessment.pk).exists()

    assert not counted()  # shared, but nobody has looked at it yet
    advisor_services.share_update(share=share, status="in_review", assigned_advisor=None)
    assert counted()
    advisor_services.share_withdraw(assessment=assessment, organisation=hub)
    assert not counted()

    demo = Organisation.objects.create(name="Demo hub (synthetic)", slug="demo",
                                       is_synthetic=True)
    demo_share = advisor_services.share_create(assessment=assessment, organisation=demo)
    advisor_services.share_update(share=demo_share, status="in_review", assigned_advisor=None)
    assert not counted()  # a synthetic organisation's review vouches for nothing


def test_f6_reviewed_statuses_are_every_share_status_but_new():
    assert set(SHARE_STATUSES_REVIEWED) == set(Share.Status.values) - {Share.Status.NEW}


# Targets: ten credible firms of the same sector and size band ------------------------------------


def test_f6_targets_need_ten_credible_firms_of_the_same_sector_and_size_band(framework):
    spec = framework.spec
    for _ in range(9):
        credible_peer(ALL_FIVE, sector="17", employees=30)  # small
    for _ in range(5):
        credible_peer(ALL_FIVE, sector="17", employees=120)  # medium: another cohort
    benchmarks_refresh_all()
    _, source, firms = sector_targets(spec, "17", 30)
    assert firms == 9 and set(source.values()) == {"default"}

    credible_peer(ALL_FIVE, sector="17", employees=12)  # the tenth small firm
    benchmarks_refresh_all()
    targets, source, firms = sector_targets(spec, "17", 30)
    assert firms == 10 and set(source.values()) == {"peers"}
    assert set(targets.values()) == {5}
    # The medium firms still see the defaults: five of them are not enough.
    _, medium_source, medium_firms = sector_targets(spec, "17", 120)
    assert medium_firms == 5 and set(medium_source.values()) == {"default"}


def test_f6_a_firm_counts_once_by_its_latest_submission(framework):
    spec = framework.spec
    firms = [credible_peer(ALL_ZERO, sector="17", employees=30) for _ in range(10)]
    # One firm re-assesses nine times at band 5: still one firm, counted at its latest bands.
    from readiness import services

    previous = firms[0]
    for _ in range(9):
        again, _ = services.assessment_start(
            profile={"company_name": previous.company_name, "country": "GB",
                     "region": "North West", "employees": 30, "sector": "17"},
            previous=previous)
        services.answers_save(assessment=again, answers=dict.fromkeys(DIMENSION_KEYS, (5, "")))
        services.assessment_submit(assessment=again)
        previous = verified(again)
    benchmarks_refresh_all()
    targets, source, firms_counted = sector_targets(spec, "17", 30)
    assert firms_counted == 10
    # Nine firms at 0 and one at 5: the nearest-rank 90th percentile is the 9th value, 0.
    assert set(targets.values()) == {0} and set(source.values()) == {"peers"}


def test_f6b_ten_anonymous_submissions_do_not_move_another_firms_targets(framework):
    """F6(b): a victim in ISIC 17; the attacker makes ten anonymous all-band-5 submissions."""
    victim = credible_peer({"vertical_integration": 3}, sector="17", employees=30)
    refresh(victim)
    before = assessment_results(victim)

    for _ in range(10):
        attacker, _ = make_submitted(ALL_FIVE, sector="17", employees=30)
        refresh(attacker)  # the background refresh runs after each one, as in production
    after = assessment_results(victim)

    assert after.targets == before.targets
    assert after.target_source == before.target_source
    assert [(p.dimension, p.impact) for p in after.priorities] == [
        (p.dimension, p.impact) for p in before.priorities]


# Peers: the four-fake-firm attack ----------------------------------------------------------------

VICTIM_BANDS = dict(zip(DIMENSION_KEYS, [3, 4, 5, 0, 1, 2] * 3, strict=False))


def four_fakes_and_a_shared_firm(hub, *, verify_fakes: bool) -> Share:
    """F6(a): two all-0 and two all-5 fakes in the victim's cohort, plus one shared firm."""
    for bands in (ALL_ZERO, ALL_ZERO, ALL_FIVE, ALL_FIVE):
        fake, _ = make_submitted(bands, sector="30", employees=20, country="GB",
                                 region="North West")
        if verify_fakes:
            verified(fake)
    bait, _ = make_submitted(ALL_FIVE, sector="30", employees=20, country="GB",
                             region="North West", company_name="Attacker Ltd")
    return advisor_services.share_create(assessment=bait, organisation=hub)


@pytest.mark.parametrize("verify_fakes", [False, True], ids=["anonymous", "verified-emails"])
def test_f6a_four_fake_firms_cannot_recover_a_victims_bands(hub, advisor, verify_fakes):
    victim = credible_peer(VICTIM_BANDS, sector="30", employees=20, country="GB",
                           region="North West", company_name="Victim Precision Ltd")
    share = four_fakes_and_a_shared_firm(hub, verify_fakes=verify_fakes)

    page = advisor.get(reverse("advisors:review", args=[share.pk])).content.decode()
    assert 'id="peer-table"' not in page
    assert 'id="no-peers"' in page
    counted = 5 if verify_fakes else 1  # the victim, and the fakes only if verified
    assert f'id="cohort-size">{counted}<' in page
    assert victim.company_name not in page


def test_f6a_peer_table_appears_with_ten_credible_peers_and_excludes_the_rest(hub, advisor):
    for band in range(10):
        credible_peer({"vertical_integration": band % 6}, sector="30", employees=20,
                      country="GB", region="North West")
    for _ in range(4):  # anonymous all-5 submissions must not shift the median
        make_submitted(ALL_FIVE, sector="30", employees=20, country="GB", region="North West")
    bait, _ = make_submitted(ALL_FIVE, sector="30", employees=20, country="GB",
                             region="North West")
    share = advisor_services.share_create(assessment=bait, organisation=hub)
    page = advisor.get(reverse("advisors:review", args=[share.pk])).content.decode()
    assert 'id="cohort-size">10<' in page and 'id="peer-table"' in page
    import io

    import pandas as pd

    table = pd.read_html(io.StringIO(page), attrs={"id": "peer-table"})[0]
    row = table[table["Dimension"] == "Vertical Integration"].iloc[0]
    # Credible peers rated 0,1,2,3,4,5,0,1,2,3: median 2.0 (with the fakes it would be 2.5).
    assert float(row["Peer median"]) == 2.0


# Refreshed in the background, read in constant time ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_f6_submit_queues_the_cohort_refresh_and_the_worker_runs_it(framework):
    peers = [credible_peer(ALL_FIVE, sector="22", employees=60) for _ in range(10)]
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_benchmark_cohort")
    assert queued.count() == 10
    assert not BenchmarkCohort.objects.exists()  # nothing computed in the request
    call_command("db_worker", "--batch", "--queue-name", "default", "--no-startup-delay",
                 "--no-reload")
    cohort = BenchmarkCohort.objects.get(framework_version=1, sector="22", size_band="medium")
    # The last task ran after every peer was verified: all ten count.
    assert cohort.firms == len(peers)
    _, source, firms = sector_targets(framework.spec, "22", 60)
    assert firms == 10 and set(source.values()) == {"peers"}


def test_reading_targets_does_not_grow_with_the_number_of_firms(framework):
    spec = framework.spec

    def queries() -> int:
        benchmarks_refresh_all()
        with CaptureQueriesContext(connection) as context:
            sector_targets(spec, "25", 45)
        return len(context.captured_queries)

    credible_peer(ALL_FIVE)
    few = queries()
    for _ in range(25):
        credible_peer(ALL_FIVE)
    assert queries() == few <= 1


# Analytics -----------------------------------------------------------------------------------------


def test_f6_synthetic_firms_are_left_out_of_analytics_beside_real_ones(hub, framework):
    from advisors.selectors import active_shares, analytics, assessments_frame

    real, _ = make_submitted(ALL_ZERO, company_name="Real Ltd")
    advisor_services.share_create(assessment=real, organisation=hub)
    for n in range(3):
        fake, _ = make_submitted(ALL_FIVE, company_name=f"Demo {n} (synthetic)")
        Assessment.objects.filter(pk=fake.pk).update(is_synthetic=True)
        advisor_services.share_create(assessment=fake, organisation=hub)
    spec = framework.spec
    data = analytics(assessments_frame(active_shares(hub), spec), spec)
    assert (data.count, data.synthetic, data.counted) == (4, 3, 1)
    # Every dimension: the one real firm at band 0, none of the demo firms' band 5.
    assert data.distribution["0"].tolist() == [1] * len(DIMENSION_KEYS)
    assert data.distribution["5"].tolist() == [0] * len(DIMENSION_KEYS)


def test_f6_a_demo_only_caseload_is_shown_as_it_is(framework):
    from advisors.selectors import active_shares, analytics, assessments_frame

    demo = Organisation.objects.create(name="Demo hub (synthetic)", slug="demo-hub",
                                       is_synthetic=True)
    for n in range(2):
        fake, _ = make_submitted(ALL_FIVE, company_name=f"Demo {n} (synthetic)")
        Assessment.objects.filter(pk=fake.pk).update(is_synthetic=True)
        advisor_services.share_create(assessment=fake, organisation=demo)
    spec = framework.spec
    data = analytics(assessments_frame(active_shares(demo), spec), spec)
    assert (data.count, data.synthetic, data.counted) == (2, 2, 2)
    assert data.distribution["5"].tolist() == [2] * len(DIMENSION_KEYS)
