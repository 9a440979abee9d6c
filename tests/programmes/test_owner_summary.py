"""The three-sentence summary's "what help" sentence over plain data: it names the best-ranked
matched programme that fits the first step, and says how sure we are that it is open."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from programmes.matching import Match, ProgrammeRecord
from programmes.planning import FundingOffer, build_plan, owner_summary
from programmes.usecases import load_usecases
from readiness.prioritisation import prioritise

TODAY = datetime.date(2026, 11, 30)

# A pie maker with no machine network: the first step is shop-floor connectivity, whose first
# projects want a grant (and advice for the second).
PIE_BANDS = {
    "shop_floor_connectivity": 0, "vertical_integration": 1, "shop_floor_automation": 1,
    "shop_floor_intelligence": 1, "facility_intelligence": None,
}


def _match(slug: str, name: str, relevance: float, *, status: str = "unknown",
           checked: datetime.date | None = None) -> Match:
    stale = checked is None or (TODAY - checked).days > 365
    return Match(slug=slug, name=name, country="GB", relevance=relevance, reasons=[],
                 programme=ProgrammeRecord(slug=slug, name=name, country="GB"),
                 status=status, status_checked_on=checked, stale=stale)


# The best-ranked match is a catapult that does not fund or advise on a first network project;
# then the North West's adoption programme (confirmed open); last a grant of unknown status that
# pays more, so it is the project's cheapest funder but not the best-ranked.
CATAPULT = FundingOffer("gb-hvm-catapult", "HVM Catapult", ("demonstration", "rnd_funding"))
MADE_SMARTER_NW = FundingOffer("made-smarter-nw", "Made Smarter North West",
                               ("advice", "grant", "training"), (), 50, Decimal(20000), "GBP")
RICH_GRANT = FundingOffer("rich-grant", "Rich Grant", ("grant",), (), 80)
MATCHES = [
    _match("gb-hvm-catapult", "HVM Catapult", 0.8),
    _match("made-smarter-nw", "Made Smarter North West", 0.76, status="open",
           checked=datetime.date(2026, 9, 1)),
    _match("rich-grant", "Rich Grant", 0.5),
]


@pytest.fixture(scope="module")
def library():
    return load_usecases(1)


def _summary(spec, library, bands, offers, matches, *, sector="10", currency="GBP"):
    bands = dict.fromkeys(spec.dimension_keys, 2) | bands
    priorities = prioritise(spec, bands, objectives=["productivity", "quality"],
                            cost_profile={"labour": 50, "materials": 35, "energy": 15})
    plan = build_plan(library, bands=bands, priorities=priorities, sector=sector,
                      currency=currency, offers=offers,
                      dimension_names={k: d.name for k, d in spec.dimensions.items()})
    return plan, owner_summary(firm_name="Pennine Pies", standing="has defined ways of working",
                               plan=plan, matches=matches)


def test_a_north_west_firm_is_told_of_its_best_ranked_open_match(spec, library):
    plan, sentences = _summary(spec, library, PIE_BANDS,
                               [CATAPULT, MADE_SMARTER_NW, RICH_GRANT], MATCHES)
    step, project = plan.first_project
    assert step.dimension == "shop_floor_connectivity"
    # The project's cheapest funder is the unconfirmed grant: the summary used to name it.
    assert project.funded_by[0].programme == "rich-grant"
    assert len(sentences) == 3
    assert sentences[2].startswith("Made Smarter North West could pay 50%")
    assert "for you to pay" in sentences[2] and "check" not in sentences[2]
    assert "Catapult" not in " ".join(sentences) and "Rich Grant" not in " ".join(sentences)


def test_a_match_last_confirmed_open_over_a_year_ago_is_named_with_a_caution(spec, library):
    stale = [MATCHES[0], _match("made-smarter-nw", "Made Smarter North West", 0.76,
                                status="open", checked=datetime.date(2025, 6, 26)), MATCHES[2]]
    _plan, sentences = _summary(spec, library, PIE_BANDS,
                                [CATAPULT, MADE_SMARTER_NW, RICH_GRANT], stale)
    assert sentences[2].startswith("Made Smarter North West could pay 50%")
    assert "last confirmed open on 26 June 2025: check that it still is" in sentences[2]
    assert " is open" not in sentences[2]


def test_an_ohio_firm_with_only_unconfirmed_programmes_is_told_to_check(spec, library):
    techcred = FundingOffer("us-ohio-techcred", "Ohio TechCred", ("grant", "training"))
    mxd = FundingOffer("manufacturing-usa-mxd", "MxD", ("network", "demonstration"))
    matches = [_match("manufacturing-usa-mxd", "MxD", 0.9),
               _match("us-ohio-techcred", "Ohio TechCred", 0.8)]
    _plan, sentences = _summary(spec, library, PIE_BANDS, [mxd, techcred], matches,
                                sector="22", currency="USD")
    assert sentences[2] == ("Ohio TechCred offers a grant (nobody has confirmed that it is "
                            "open: check with them first).")


def test_a_match_that_fits_only_another_project_of_the_step_is_named_for_that_project(
        spec, library):
    grant = FundingOffer("grant-only", "Adoption Grant", ("grant",), (), 50)
    plan, _sentences = _summary(spec, library, PIE_BANDS, [grant], [])
    # The same step with its advice-only project first: the grant fits only the second one.
    step = plan.steps[0]
    advice_first = sorted(step.projects, key=lambda p: "grant" in p.support_kinds)
    assert "grant" not in advice_first[0].support_kinds
    plan = replace(plan, steps=(replace(step, projects=tuple(advice_first)), *plan.steps[1:]))
    sentences = owner_summary(firm_name="Pennine Pies", standing="has defined ways of working",
                              plan=plan, matches=[_match("grant-only", "Adoption Grant", 0.7,
                                                         status="open",
                                                         checked=datetime.date(2026, 10, 1))])
    assert advice_first[0].title in sentences[1]
    assert sentences[2].startswith("Adoption Grant could pay 50%")
    assert sentences[2].endswith(f"for “{advice_first[1].title}”, another first project for "
                                 "this step.")


def test_no_fitting_match_is_said_plainly(spec, library):
    _plan, sentences = _summary(spec, library, PIE_BANDS, [CATAPULT], MATCHES[:1])
    assert sentences[2].startswith("None of the programmes matched to you funds or advises")
