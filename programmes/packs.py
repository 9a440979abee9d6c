"""Application packs: what a firm takes to one matched programme (issue 13, item 3).

A pack puts together, for one programme: the firm's facts against each eligibility rule (the
reasons matching gave), the plan's projects the programme could fund or advise, the scores, and
the documents programmes of its kind usually ask for. Plain Python over plain data; the text
form is what the page offers to copy into an application form or an email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from programmes.matching import Match
from programmes.planning import Plan, PlanProject, PlanStep, cost_text, funding_text

# What programmes of each kind usually ask for. Typical, not any one programme's list: the
# pack says so, and the programme's own guidance decides. Anchors: PSG and EDG require that
# nothing is ordered or paid before applying (EnterpriseSG FAQ); digital-maturity grants have
# asked for supplier quotes, invoices and asset-register extracts as proof (mdcstiakakis.gr).
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "grant": (
        "Quotes from suppliers for the project, dated and itemised",
        "Your latest annual accounts or a turnover statement",
        "Evidence of your size (headcount) for the SME rule",
        "A short project description: what, why, cost, expected benefits and timescale",
        "Confirmation that nothing has been ordered or paid for before approval",
    ),
    "rnd_funding": (
        "A project proposal with objectives, work plan, milestones and budget",
        "Details of partners (research organisations, other firms) and their roles",
        "Your latest annual accounts",
    ),
    "advice": (
        "A short description of the firm and the problem you want help with",
        "This readiness assessment (the PDF report or this pack)",
    ),
    "training": (
        "The names and roles of the staff to be trained",
        "What the training should achieve for the firm",
    ),
    "demonstration": (
        "The technology or process you want to see or trial, and on which products",
        "Sample parts, materials or data for a trial, if the facility offers one",
    ),
    "network": (
        "A short description of the firm and what it wants from the network",
    ),
}


@dataclass(frozen=True)
class PackProject:
    step: PlanStep
    project: PlanProject
    help_text: str


@dataclass(frozen=True)
class ApplicationPack:
    programme: str
    name: str
    firm_name: str
    firm_facts: tuple[tuple[str, str], ...]  # (label, value)
    eligibility: tuple[str, ...]
    projects: tuple[PackProject, ...]
    scores: tuple[tuple[str, str], ...]  # (area, score as shown)
    documents: tuple[str, ...]
    how_to_apply: str
    apply_url: str

    def as_text(self) -> str:
        """The pack as plain text, to copy into an application form or an email."""
        lines = [f"{self.firm_name}: application notes for {self.name}", ""]
        lines += ["About the firm"] + [f"- {label}: {value}" for label, value in self.firm_facts]
        lines += ["", "How the firm meets the programme's rules"]
        lines += [f"- {reason}" for reason in self.eligibility]
        lines += ["", "Projects this programme could support"]
        if self.projects:
            for item in self.projects:
                lines.append(f"- {item.project.title} ({item.step.dimension_name}, band "
                             f"{item.step.from_band} to {item.step.to_band}, "
                             f"{item.step.horizon}): {item.project.summary} Typical cost "
                             f"{cost_text(item.project.cost)}. {item.help_text}.")
        else:
            lines.append("- None of the plan's projects; see the readiness report for the "
                         "firm's priorities.")
        lines += ["", "Readiness scores (0 to 5)"]
        lines += [f"- {area}: {score}" for area, score in self.scores]
        lines += ["", "Documents programmes of this kind usually ask for (check the "
                  "programme's own list)"]
        lines += [f"- {doc}" for doc in self.documents]
        if self.how_to_apply or self.apply_url:
            lines += ["", "How to apply", " ".join(p for p in (self.how_to_apply,
                                                                  self.apply_url) if p)]
        return "\n".join(lines)


def application_pack(
    match: Match,
    plan: Plan,
    *,
    firm_name: str,
    firm_facts: Sequence[tuple[str, str]],
    scores: Sequence[tuple[str, str]],
) -> ApplicationPack:
    """The pack for one matched programme."""
    projects = []
    for step in plan.steps:
        for project in step.projects:
            for funding in project.funded_by:
                if funding.programme == match.slug:
                    # The pack is about this programme: "It could pay 50%...", not its name again.
                    text = funding_text(funding).replace(funding.name, "It", 1)
                    projects.append(PackProject(step, project, text))
    documents: list[str] = []
    for kind in match.programme.kinds:
        for doc in DOCUMENTS.get(kind, ()):
            if doc not in documents:
                documents.append(doc)
    # Fit reasons ("it works on your priorities") are for the firm; the rules met are for the
    # programme. Matching gives eligibility reasons first; keep those that state a rule.
    rules = tuple(r for r in match.reasons if not r.startswith(("It works on", "It does not work",
                                                                "It suits firms", "It offers")))
    return ApplicationPack(
        programme=match.slug, name=match.name, firm_name=firm_name,
        firm_facts=tuple(firm_facts), eligibility=rules, projects=tuple(projects),
        scores=tuple(scores), documents=tuple(documents),
        how_to_apply=match.programme.how_to_apply, apply_url=match.programme.apply_url,
    )
