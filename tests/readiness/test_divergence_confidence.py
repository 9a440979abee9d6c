"""Divergence between respondents and the profile's confidence: pure, without a database."""

from __future__ import annotations

import pytest

from readiness.confidence import AnswerBasis, confidence
from readiness.divergence import agreement_share, divergence, settled_disagreements
from readiness.scoring import UNKNOWN

KEYS = ("a", "b", "c", "d")


def test_disagreements_of_two_bands_or_more_come_first_widest_first():
    rows = divergence(KEYS, {
        "lead": {"a": 1, "b": 2, "c": 3, "d": 0},
        "it": {"a": 2, "b": 5, "c": 1, "d": UNKNOWN},
        "shop": {"a": 1, "b": 2, "c": None},
    })
    assert [r.dimension for r in rows] == ["b", "c", "a", "d"]
    b, c, a, d = rows
    assert (b.spread, b.disagree, c.spread, c.disagree) == (3, True, 2, True)
    assert (a.spread, a.disagree) == (1, False)
    assert (d.spread, d.raters, d.unknown) == (0, 1, 1)
    assert [r.who for r in b.ratings] == ["lead", "it", "shop"]


def test_a_dimension_nobody_gave_a_band_has_no_spread():
    (row,) = divergence(("a",), {"lead": {"a": None}, "it": {"a": UNKNOWN}, "shop": {}})
    assert row.spread is None and not row.disagree and row.raters == 0
    assert len(row.ratings) == 2  # who did not answer at all is not listed


def test_a_disagreement_the_team_settled_counts_as_agreed_and_is_said():
    rows = divergence(KEYS, {"lead": {"a": 1, "b": 2}, "it": {"a": 4, "b": 2}})
    assert agreement_share(rows) == pytest.approx(1 / 2)
    assert agreement_share(rows, {"a"}) == 1
    assert settled_disagreements(rows, {"a", "b"}) == 1  # "b" was no disagreement
    result = confidence(_answers(["observed"] * 2), dimensions=2, respondents=2, agreement=1.0,
                        settled=1)
    assert "counting 1 disagreement settled by an agreed band" in result.reasons[1]


def test_agreement_share_counts_only_what_two_people_rated():
    rows = divergence(KEYS, {"lead": {"a": 1, "b": 2, "c": 3, "d": 4},
                             "it": {"a": 1, "b": 4, "c": UNKNOWN}})
    assert agreement_share(rows) == pytest.approx(1 / 2)
    assert agreement_share(divergence(KEYS, {"lead": {"a": 1}})) is None


def _answers(kinds, unknown=0):
    result = {f"k{i}": AnswerBasis(2, kind) for i, kind in enumerate(kinds)}
    result |= {f"u{i}": AnswerBasis(UNKNOWN) for i in range(unknown)}
    return result


def test_well_evidenced_answers_agreed_by_a_team_are_high():
    result = confidence(_answers(["observed", "document", "estimate", ""]), dimensions=4,
                        respondents=3, agreement=0.8)
    assert result.level == "high"
    assert (result.rated, result.with_evidence, result.evidence_share) == (4, 2, 0.5)
    assert "3 people rated the firm" in " ".join(result.reasons)


def test_one_person_is_medium_at_best_however_well_evidenced():
    result = confidence(_answers(["observed"] * 4), dimensions=4, respondents=1)
    assert result.level == "medium"
    assert "One person rated the firm" in result.reasons[1]


@pytest.mark.parametrize(("kinds", "unknown", "agreement"), [
    (["estimate", "estimate", "estimate", "observed", ""], 0, 0.9),  # under a quarter evidence
    (["observed"] * 4, 0, 0.4),  # people disagree on most
    (["observed"] * 11, 5, 0.9),  # over a quarter not known
])
def test_little_evidence_disagreement_or_many_unknowns_make_it_low(kinds, unknown, agreement):
    result = confidence(_answers(kinds, unknown), dimensions=len(kinds) + unknown,
                        respondents=2, agreement=agreement)
    assert result.level == "low"


def test_verified_answers_count_as_evidence_and_are_said():
    answers = {"a": AnswerBasis(3, "estimate", verified=True), "b": AnswerBasis(1, "estimate"),
               "c": AnswerBasis(None)}
    result = confidence(answers, dimensions=3, respondents=2, agreement=1.0)
    assert (result.rated, result.with_evidence, result.verified) == (2, 1, 1)
    assert result.level == "high"
    assert "(1 verified by an advisor)" in result.reasons[0]
