"""The questionnaire's steps in order, for navigation and the progress indicator."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from readiness.framework import FrameworkSpec


@dataclass(frozen=True)
class Step:
    key: str  # "profile", a pillar key, "objectives" or "review"
    title: str
    url_name: str
    pillar: str | None = None

    def url(self, public_id) -> str:
        kwargs = {"public_id": public_id}
        if self.pillar:
            kwargs["pillar_key"] = self.pillar
        return reverse(self.url_name, kwargs=kwargs)


def steps(spec: FrameworkSpec) -> list[Step]:
    return [
        Step("profile", "Your firm", "readiness:profile"),
        *[Step(p.key, p.name, "readiness:pillar", pillar=p.key) for p in spec.pillars.values()],
        Step("objectives", "Objectives and costs", "readiness:objectives"),
        Step("review", "Review and submit", "readiness:review"),
    ]


def neighbours(spec: FrameworkSpec, key: str) -> tuple[Step | None, Step, Step | None, int, int]:
    """(previous step, this step, next step, 1-based position, number of steps)."""
    all_steps = steps(spec)
    index = next(i for i, step in enumerate(all_steps) if step.key == key)
    previous = all_steps[index - 1] if index > 0 else None
    following = all_steps[index + 1] if index + 1 < len(all_steps) else None
    return previous, all_steps[index], following, index + 1, len(all_steps)
