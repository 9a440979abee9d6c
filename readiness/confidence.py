"""How sure a readiness profile is (issue 16): plain Python over plain data.

Three things make a self-assessment more or less believable, and results say each of them:
what the answers rest on (observed, a document, verified by an advisor, or an estimate or
nothing said), whether the people who rated the firm agree, and how many dimensions nobody
could rate ("don't know"). The level is a plain rule over those, stated on the page; it is not
a statistic and claims no more than it counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from readiness.scoring import UNKNOWN, Band

# What counts as evidence: seen for oneself, a document, or an advisor's verification.
FIRM_EVIDENCE = frozenset({"observed", "document"})
HIGH_EVIDENCE = 0.5
LOW_EVIDENCE = 0.25
HIGH_AGREEMENT = 0.75
LOW_AGREEMENT = 0.5
# More than this share of the dimensions not known makes the profile a partial one.
UNKNOWN_SHARE_LOW = 0.25


@dataclass(frozen=True)
class AnswerBasis:
    band: Band
    evidence_kind: str = ""
    verified: bool = False

    @property
    def rated(self) -> bool:
        return self.band is not None and self.band != UNKNOWN

    @property
    def rests_on_evidence(self) -> bool:
        return self.verified or self.evidence_kind in FIRM_EVIDENCE


@dataclass(frozen=True)
class Confidence:
    level: str  # "high", "medium" or "low"
    rated: int  # dimensions given a band
    with_evidence: int  # of those, resting on observation, a document or verification
    verified: int
    unknown: int
    dimensions: int
    respondents: int  # people whose answers were compared (the lead included)
    # Share of the dimensions rated by two or more people where they were within one band or
    # recorded an agreed band after seeing the disagreement.
    agreement: float | None
    settled: int = 0  # disagreements (two bands or more) settled by an agreed band

    @property
    def evidence_share(self) -> float:
        return self.with_evidence / self.rated if self.rated else 0.0

    @property
    def reasons(self) -> list[str]:
        """The level's reasons in plain words, one sentence each."""
        others = ("; the others are estimates or say nothing"
                  if self.with_evidence < self.rated else "")
        verified = f" ({self.verified} verified by an advisor)" if self.verified else ""
        said = [f"{self.with_evidence} of {self.rated} rated dimensions rest on something seen "
                f"or written down{verified}{others}."]
        if self.agreement is None:
            said.append("One person rated the firm, so nobody's view could be compared."
                        if self.respondents <= 1 else
                        "No dimension was rated by two people, so no views could be compared.")
        else:
            settled = (f", counting {self.settled} disagreement"
                       f"{'s' if self.settled != 1 else ''} settled by an agreed band"
                       if self.settled else "")
            said.append(f"{self.respondents} people rated the firm; they agreed within one band "
                        f"on {round(self.agreement * 100)}% of the dimensions two or more of "
                        f"them rated{settled}.")
        if self.unknown:
            said.append(f"{self.unknown} of {self.dimensions} dimensions are not known and are "
                        f"left out of the scores.")
        return said


def confidence(answers: Mapping[str, AnswerBasis], *, dimensions: int, respondents: int = 1,
               agreement: float | None = None, settled: int = 0) -> Confidence:
    """The profile's confidence from the answers scored, the number of people compared and
    their agreement (``divergence.agreement_share``).

    High: at least half the rated dimensions rest on evidence, and two or more people agree on
    at least three quarters of what they both rated, and at most a quarter is not known.
    Low: under a quarter rests on evidence, or people agree on under half, or over a quarter is
    not known. Medium otherwise (one person with well-evidenced answers is medium at best).
    """
    rated = [a for a in answers.values() if a.rated]
    with_evidence = sum(1 for a in rated if a.rests_on_evidence)
    unknown = sum(1 for a in answers.values() if a.band == UNKNOWN)
    share = with_evidence / len(rated) if rated else 0.0
    too_unknown = dimensions > 0 and unknown / dimensions > UNKNOWN_SHARE_LOW
    if (share < LOW_EVIDENCE or too_unknown
            or (agreement is not None and agreement < LOW_AGREEMENT)):
        level = "low"
    elif share >= HIGH_EVIDENCE and agreement is not None and agreement >= HIGH_AGREEMENT:
        level = "high"
    else:
        level = "medium"
    return Confidence(level=level, rated=len(rated), with_evidence=with_evidence,
                      verified=sum(1 for a in rated if a.verified), unknown=unknown,
                      dimensions=dimensions, respondents=respondents, agreement=agreement,
                      settled=settled)
