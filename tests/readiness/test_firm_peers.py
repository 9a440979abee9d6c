"""The firm sees its peers' median and quartiles (issue 13 item 5) by the advisors' rule: the
same statistics (readiness.benchmarks.peer_quartiles, used by advisors.cohorts), credible
submissions only, never synthetic firms, nothing below MIN_PEERS."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.utils import timezone

from advisors.cohorts import compare_with_peers
from readiness.benchmarks import MIN_PEERS, peer_position, peer_quartiles, size_band
from readiness.models import Assessment
from readiness.selectors import peers_for_firm
from readiness.services import benchmark_cohort_refresh
from tests.factories import DIMENSION_KEYS, element_text, make_submitted, open_link, url
from tests.reports.test_reports import pdf_pages

# Peers' bands on vertical integration: 0 0 1 1 2 2 3 3 4 4 5 5 (median 2.5, quartiles 1 and 4).
SPREAD = (0, 1, 2, 3, 4, 5) * 2


def test_quartiles_match_the_advisors_peer_view():
    keys = ("a", "b")
    peers = [{"a": band, "b": None if i % 2 else 3} for i, band in enumerate(SPREAD)]
    size, found = peer_quartiles(keys, peers)
    assert size == 12
    a = found["a"]
    assert (a.lower_quartile, a.median, a.upper_quartile, a.peers) == (1.0, 2.5, 4.0, 12)
    assert "b" not in found  # only six peers rated it
    advisors = compare_with_peers(keys, {"a": 3}, peers, description="x")
    row = advisors.dimensions[0]
    assert (row.lower_quartile, row.median, row.upper_quartile) == (1.0, 2.5, 4.0)


def test_no_figures_below_the_minimum():
    peers = [{"a": 2}] * (MIN_PEERS - 1)
    assert peer_quartiles(["a"], peers) == (MIN_PEERS - 1, {})


def test_positions_claim_no_more_than_quartiles_say():
    (_, found) = peer_quartiles(["a"], [{"a": b} for b in SPREAD])
    q = found["a"]
    assert [peer_position(b, q) for b in (0, 1, 3, 4, 5)] == [
        "below most peers", "among the middle half", "among the middle half",
        "among the middle half", "above most peers"]
    assert peer_position(None, q) == "not applicable to you"
    assert peer_position(3, None) == "too few peers rated it"


def _verified(assessment: Assessment) -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(
        contact_email="owner@example.com", contact_email_verified_at=timezone.now())
    assessment.refresh_from_db()
    return assessment


def _cohort(count: int, *, synthetic: int = 0) -> None:
    """``count`` credible plastics moulders of 60 people, and ``synthetic`` demo ones all at 5."""
    for i in range(count):
        _verified(make_submitted(dict.fromkeys(DIMENSION_KEYS, 2) | {
            "vertical_integration": SPREAD[i % len(SPREAD)], "facility_intelligence": None,
        }, sector="22", employees=60)[0])
    for _ in range(synthetic):
        fake = _verified(make_submitted(dict.fromkeys(DIMENSION_KEYS, 5), sector="22",
                                        employees=60)[0])
        Assessment.objects.filter(pk=fake.pk).update(is_synthetic=True)
    benchmark_cohort_refresh(framework_version=1, sector="22", size_band=size_band(60))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_firm_sees_its_peers_median_and_quartiles(framework, client, artifacts_dir):
    _cohort(12, synthetic=5)
    firm, token = make_submitted({"vertical_integration": 5, "shop_floor_automation": 1},
                                 sector="22", employees=80, company_name="Buckeye Moulding")
    peers = peers_for_firm(spec=framework.spec, sector="22", employees=80,
                           bands=firm.scores["dimensions"])
    assert peers.firms == 12 and peers.shown  # the five demo firms do not count
    open_link(client, token)
    page = client.get(url("results", firm)).content.decode()
    table = pd.read_html(io.StringIO(page), attrs={"id": "firm-peer-table"})[0]
    # A phone reads the position under the name (the column is hidden there): drop it.
    table["Dimension"] = table["Dimension"].str.replace(
        r" (above most peers|below most peers|among the middle half|too few peers rated it)$",
        "", regex=True)
    table = table.set_index("Dimension")
    vertical = table.loc["Vertical Integration"]
    assert (float(vertical["Peers' median"]), vertical["Middle half"]) == (2.5, "1.0 to 4.0")
    assert vertical["Where you stand"] == "above most peers"
    automation = table.loc["Shop Floor Automation"]
    assert float(automation["Peers' median"]) == 2.0
    assert automation["Where you stand"] == "below most peers"
    # Every peer marked it not applicable: no figures for it.
    assert table.loc["Facility Intelligence", "Peers' median"] == "–"
    # The peers' median is the radar's dashed line, and the caption says so.
    assert page.count('class="radar-comparison"') >= 1
    assert "The dashed line is the median of 12 similar firms" in page
    line = " ".join(element_text(page, "firm-peers-line").split())
    assert line.startswith("Against 12 firms of the same sector and size: above most peers in "
                           "Vertical Integration; below most peers in Shop Floor Automation;")

    report = client.get(url("report", firm))
    assert report.status_code == 200
    content = b"".join(report.streaming_content)
    (artifacts_dir / "report-peers.pdf").write_bytes(content)
    text = " ".join(" ".join(pdf_pages(content)).split())
    assert "Against 12 firms of the same sector and size: above most peers in Vertical" in text
    assert "The dashed line on the chart is the median of 12 similar firms." in text


def test_below_the_minimum_the_firm_is_told_so(framework, client):
    _cohort(MIN_PEERS - 1, synthetic=5)
    firm, token = make_submitted(sector="22", employees=80)
    open_link(client, token)
    page = client.get(url("results", firm)).content.decode()
    assert 'id="firm-peer-table"' not in page
    assert 'class="radar-comparison"' not in page
    message = " ".join(element_text(page, "firm-peers-too-few").split())
    assert message.startswith(f"Only {MIN_PEERS - 1} firms of your sector and size "
                              "(medium (50-249) employees) have a submission that counts")
    assert f"from {MIN_PEERS} firms" in message
