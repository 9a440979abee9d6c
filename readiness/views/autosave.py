"""Autosave for the profile and objectives pages, as the pillar pages have (issue 13, user trial
D6): every change is posted here by static/js/forms.js; what is valid is saved, and the answer
says what was not, so that the page can warn before the firm leaves with unsaved input."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from readiness import services
from readiness.forms import ObjectivesForm, ProfileForm
from readiness.models import Assessment
from readiness.views.assessment import confirmation_send, holder_view

STATUS_TEMPLATE = "readiness/_autosave_status.html"


def _status(request: HttpRequest, *, problem: str | None = None,
            status: int = 200) -> HttpResponse:
    """What was saved, or what was not and why. A field that needs correcting is an answer, not
    a failed request (200, as the pillar pages' autosave): the page shows it next to the title."""
    return render(request, STATUS_TEMPLATE,
                  {"problem": problem, "saved_at": None if problem else timezone.now()},
                  status=status)


def _problems(form) -> str:
    """The form's messages in one line, each after its field's label."""
    parts = [" ".join(form.non_field_errors())] if form.non_field_errors() else []
    for name, errors in form.errors.items():
        if name != "__all__":
            parts.append(f"{form.fields[name].label}: {' '.join(errors)}")
    return " ".join(parts)


@require_POST
@holder_view
def step_autosave(request: HttpRequest, assessment: Assessment, step_key: str) -> HttpResponse:
    if not assessment.is_draft:
        return _status(request, problem="This assessment is submitted and read-only.",
                       status=409)
    if step_key == "profile":
        return _profile(request, assessment)
    if step_key == "objectives":
        return _objectives(request, assessment)
    return _status(request, problem="Unknown step.", status=404)


def _profile(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    form = ProfileForm(request.POST, instance=assessment)
    if not form.is_valid():
        # The whole profile or nothing: its fields decide together (the region depends on the
        # country, the currency on the turnover). The page keeps what was typed.
        return _status(request, problem=f"Not saved yet. {_problems(form)}")
    services.assessment_update_profile(assessment=assessment, profile=form.cleaned_data)
    if "contact_email" in form.changed_data:
        confirmation_send(request, assessment)
    return _status(request)


def _objectives(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    spec = assessment.framework.spec
    form = ObjectivesForm(request.POST, spec=spec)
    form.is_valid()
    objectives_ok = "objectives" not in form.errors
    costs_ok = not form.errors
    if not objectives_ok and not costs_ok:
        return _status(request, problem=f"Not saved yet. {_problems(form)}")
    # The objectives are saved while the cost shares are still being typed (they add up to 100
    # only at the end); the shares are saved once they are valid.
    services.assessment_update_objectives(
        assessment=assessment,
        objectives=(form.cleaned_data["objectives"] if objectives_ok
                    else list(assessment.objectives)),
        cost_profile=(form.cleaned_data["cost_profile"] if costs_ok
                      else dict(assessment.cost_profile or {})))
    if not costs_ok:
        return _status(request, problem=f"Objectives saved; cost shares not saved yet. "
                                        f"{_problems(form)}")
    return _status(request)
