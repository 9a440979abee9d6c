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
from readiness.models import AgreedBand, Answer, Assessment, Respondent
from readiness.scoring import Band

LEAD_LABEL = "Lead (the firm's own answers)"


@dataclass(frozen=True)
class TeamMember:
    respondent: Respondent
    answered: int


def team_members(*, assessment: Assessment) -> list[TeamMember]:
    rows = (assessment.respondents.annotate(answered=Count("answers"))
            .order_by("invited_at", "id"))
    return [TeamMember(respondent=r, answered=r.answered) for r in rows]


def team_ratings(*, assessment: Assessment) -> dict[str, dict[str, Band]]:
    """Everyone's own answers: the lead's first, then each colleague who answered anything."""
    people: dict[str, dict[str, Band]] = {
        LEAD_LABEL: {a.dimension_key: a.value for a in assessment.answers.all()}}
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


def scored_answers(*, assessment: Assessment,
                   answers: list[Answer] | None = None) -> dict[str, AnswerBasis]:
    """The answers scores are made from: the agreed band where the team recorded one, else the
    lead's own answer (with what it rests on and whether an advisor verified it)."""
    own = {a.dimension_key: a for a in (answers if answers is not None
                                        else assessment.answers.all())}
    result = {key: AnswerBasis(a.value, a.evidence_kind, getattr(a, "verified_at", None)
                               is not None)
              for key, a in own.items()}
    for key, agreed in agreed_bands(assessment=assessment).items():
        basis = own.get(key)
        result[key] = AnswerBasis(agreed.value, basis.evidence_kind if basis else "",
                                  getattr(basis, "verified_at", None) is not None)
    return result


def profile_confidence(*, assessment: Assessment,
                       answers: list[Answer] | None = None) -> Confidence:
    spec = assessment.framework.spec
    basis = {k: v for k, v in scored_answers(assessment=assessment, answers=answers).items()
             if k in spec.dimensions}
    people = team_ratings(assessment=assessment)
    rows = divergence(spec.dimension_keys, people)
    settled = set(agreed_bands(assessment=assessment))
    return confidence(basis, dimensions=len(spec.dimension_keys), respondents=len(people),
                      agreement=agreement_share(rows, settled),
                      settled=settled_disagreements(rows, settled))
