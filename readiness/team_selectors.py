"""Reads for several respondents per firm (issue 16): who was invited and how far they got,
everyone's ratings side by side, the answers scores are made from, and the profile's
confidence."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from readiness.confidence import AnswerBasis, Confidence, confidence
from readiness.divergence import (
    DimensionSpread,
    agreement_share,
    divergence,
    settled_disagreements,
)
from readiness.models import AgreedBand, Assessment, Respondent
from readiness.scoring import UNKNOWN, Band
from readiness.selectors import AssessmentResults

LEAD_LABEL = "Lead (the firm's own answers)"


@dataclass(frozen=True)
class TeamMember:
    respondent: Respondent
    answered: int


def team_members(*, assessment: Assessment) -> list[TeamMember]:
    rows = (assessment.respondents.annotate(answered=Count("answers"))
            .order_by("invited_at", "id"))
    return [TeamMember(respondent=r, answered=r.answered) for r in rows]


def team_ratings(*, assessment: Assessment,
                 own: dict[str, Band] | None = None) -> dict[str, dict[str, Band]]:
    """Everyone's own answers: the lead's first (``own`` when the caller has them), then each
    colleague who answered anything."""
    lead = own if own is not None else {a.dimension_key: a.value
                                        for a in assessment.answers.all()}
    people: dict[str, dict[str, Band]] = {LEAD_LABEL: dict(lead)}
    respondents = assessment.respondents.prefetch_related("answers").order_by("invited_at", "id")
    for respondent in respondents:
        answers = {a.dimension_key: a.value for a in respondent.answers.all()}
        if answers:
            label = respondent.label
            while label in people:  # two "Shop floor" colleagues without names
                label += " ·"
            people[label] = answers
    return people


def team_divergence(*, assessment: Assessment) -> list[DimensionSpread]:
    spec = assessment.framework.spec
    return divergence(spec.dimension_keys, team_ratings(assessment=assessment))


def agreed_bands(*, assessment: Assessment) -> dict[str, AgreedBand]:
    return {a.dimension_key: a for a in assessment.agreed_bands.all()}


def profile_confidence(*, assessment: Assessment, results: AssessmentResults) -> Confidence:
    """How sure the profile is, from the results already read (the answers scored, what each
    rests on, verification, agreed bands) and everyone's ratings (one query more, and one per
    colleague's answers when there are colleagues)."""
    spec = results.spec
    answered = set(results.evidence) | set(results.agreed)
    basis = {key: AnswerBasis(UNKNOWN if key in results.scores.unknown
                              else results.scores.dimensions[key],
                              results.evidence_kinds.get(key, ""), key in results.verified)
             for key in spec.dimension_keys if key in answered}
    people = team_ratings(assessment=assessment, own=results.own_answers)
    rows = divergence(spec.dimension_keys, people)
    return confidence(basis, dimensions=len(spec.dimension_keys), respondents=len(people),
                      agreement=agreement_share(rows, results.agreed),
                      settled=settled_disagreements(rows, results.agreed))
