from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.ratelimit import rate_limit, within_limit
from readiness import services
from readiness.access import (
    assessment_by_token,
    draft_only,
    grant,
    holder_view,
    is_expired,
    sealed_token_for,
    token_for,
)
from readiness.forms import ObjectivesForm, PillarForm, ProfileForm, ResumeForm
from readiness.framework import FrameworkSpec
from readiness.models import Assessment
from readiness.steps import neighbours, steps


def _step_context(request, assessment: Assessment, key: str) -> dict:
    spec = assessment.framework.spec
    previous, step, following, position, total = neighbours(spec, key)
    return {
        "assessment": assessment,
        "spec": spec,
        "steps": steps(spec),
        "step": step,
        "previous_step": previous,
        "next_step": following,
        "position": position,
        "total": total,
        "progress": round(100 * position / total),
        "resume_link": resume_link(request, assessment),
    }


def resume_link(request: HttpRequest, assessment: Assessment) -> str | None:
    token = token_for(request, assessment)
    if token is None:
        return None
    return request.build_absolute_uri(reverse("readiness:resume", kwargs={"token": token}))


def masked(address: str) -> str:
    """``o***@alpha.example``: enough for the holder to recognise the address on a page."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def confirmation_send(request: HttpRequest, assessment: Assessment) -> None:
    """Ask the contact address to confirm itself, at most a few times an hour per address,
    and tell the holder what happened."""
    address = assessment.contact_email
    if not address or assessment.contact_email_verified_at is not None:
        return
    if not within_limit(request, "email", key=address.lower()):
        messages.warning(request, f"We sent a confirmation to {address} recently: look for it "
                                  "in that inbox (and its spam folder), or ask again in an hour.")
        return
    if services.contact_confirmation_send(assessment=assessment,
                                          sealed_token=sealed_token_for(request, assessment)):
        messages.info(request, f"We sent a confirmation link to {address}. Once it is confirmed "
                               "we email your private link there; until then we send it "
                               "nothing else.")
    else:
        messages.warning(request, f"We could not send the confirmation to {address} just now. "
                                  "Keep your private link from the top of the page, and ask "
                                  "again later on the access page.")


def _navigate(request: HttpRequest, assessment: Assessment, key: str) -> HttpResponse:
    previous, _, following, _, _ = neighbours(assessment.framework.spec, key)
    target = previous if request.POST.get("go") == "back" else following
    if request.POST.get("go") == "review":
        return redirect("readiness:review", public_id=assessment.public_id)
    return redirect(target.url(assessment.public_id) if target else
                    reverse("readiness:review", kwargs={"public_id": assessment.public_id}))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    spec = services.framework_current().spec
    return render(request, "readiness/home.html", {"spec": spec})


@require_http_methods(["GET", "POST"])
@rate_limit("start", methods=("POST",))
def start(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new assessment: the firm profile. The draft is created when it is valid."""
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment, token = services.assessment_start(profile=form.cleaned_data)
        grant(request, assessment, token)
        messages.success(request, "Your draft is saved. Keep your private link (at the top of "
                                  "every page) to come back later.")
        confirmation_send(request, assessment)
        first_pillar = next(iter(assessment.framework.spec.pillars))
        return redirect("readiness:pillar", public_id=assessment.public_id, pillar_key=first_pillar)
    all_steps = steps(services.framework_current().spec)
    return render(request, "readiness/profile.html", {
        "form": form, "steps": all_steps, "position": 1, "total": len(all_steps),
        "progress": round(100 / len(all_steps)), "is_new": True,
    })


@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """htmx: the region field for the chosen country (its options, and "*" where required)."""
    country = request.GET.get("country", "")[:2].upper()
    return render(request, "readiness/profile.html#region-field",
                  {"form": ProfileForm(initial={"country": country})})


@require_http_methods(["GET", "POST"])
@holder_view
@draft_only
def profile(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        services.assessment_update_profile(assessment=assessment, profile=form.cleaned_data)
        if "contact_email" in form.changed_data:
            confirmation_send(request, assessment)
        return _navigate(request, assessment, "profile")
    return render(request, "readiness/profile.html",
                  {**_step_context(request, assessment, "profile"), "form": form})


@require_http_methods(["GET", "POST"])
@holder_view
@draft_only
def pillar(request: HttpRequest, assessment: Assessment, pillar_key: str) -> HttpResponse:
    spec = assessment.framework.spec
    if pillar_key not in spec.pillars:
        return render(request, "errors/404.html", status=404)
    answers = assessment.answers.filter(dimension_key__in=spec.pillars[pillar_key].dimensions)
    if request.method == "POST":
        form = PillarForm(request.POST, spec=spec, pillar_key=pillar_key)
        if form.is_valid():
            try:
                services.answers_save(assessment=assessment, answers=form.answers())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _navigate(request, assessment, pillar_key)
    else:
        form = PillarForm(initial=PillarForm.initial_from(answers), spec=spec, pillar_key=pillar_key)
    return render(request, "readiness/pillar.html", {
        **_step_context(request, assessment, pillar_key),
        "form": form, "pillar": spec.pillars[pillar_key],
    })


@require_POST
@holder_view
def autosave(request: HttpRequest, assessment: Assessment, pillar_key: str) -> HttpResponse:
    """htmx: save every valid answer on the page as the user goes; report what was not saved."""
    spec = assessment.framework.spec
    if not assessment.is_draft:
        return render(request, "readiness/pillar.html#autosave-status",
                      {"problem": "This assessment is submitted and read-only."}, status=409)
    return pillar_autosave(request, spec, pillar_key,
                           lambda answers: services.answers_save(assessment=assessment,
                                                                 answers=answers))


def pillar_autosave(request: HttpRequest, spec: FrameworkSpec, pillar_key: str,
                    save: Callable[[dict[str, Any]], object]) -> HttpResponse:
    """htmx: save every valid answer of one pillar's page with ``save`` (the firm's or a
    colleague's answers) and report what was not saved; one home for both pages."""
    if pillar_key not in spec.pillars:
        return HttpResponseBadRequest("Unknown pillar.")
    form = PillarForm(request.POST, spec=spec, pillar_key=pillar_key)
    form.is_valid()
    problem = None
    if form.non_field_errors():
        problem = " ".join(str(error) for error in form.non_field_errors())
    else:
        answers = form.answers(valid_only=True)
        if answers:
            try:
                save(answers)
            except ValidationError as error:  # e.g. submitted meanwhile from another tab
                return render(request, "readiness/pillar.html#autosave-status",
                              {"problem": " ".join(error.messages)}, status=409)
        if form.errors:
            problem = "Some answers were not saved; see the messages next to them when you continue."
    return render(request, "readiness/pillar.html#autosave-status",
                  {"saved_at": timezone.now(), "problem": problem})


@require_http_methods(["GET", "POST"])
@holder_view
@draft_only
def objectives(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    spec = assessment.framework.spec
    form = ObjectivesForm(request.POST or None, spec=spec,
                          initial=ObjectivesForm.initial_from(assessment))
    if request.method == "POST" and form.is_valid():
        services.assessment_update_objectives(
            assessment=assessment, objectives=form.cleaned_data["objectives"],
            cost_profile=form.cleaned_data["cost_profile"])
        return _navigate(request, assessment, "objectives")
    return render(request, "readiness/objectives.html",
                  {**_step_context(request, assessment, "objectives"), "form": form})


@require_http_methods(["GET", "POST"])
@rate_limit("submit", methods=("POST",))
@holder_view
def review(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    if not assessment.is_draft:
        return redirect("readiness:results", public_id=assessment.public_id)
    spec = assessment.framework.spec
    error = None
    if request.method == "POST":
        try:
            services.assessment_submit(assessment=assessment)
        except ValidationError as exc:
            if exc.code == "submitted":  # a double click or a second tab: already done
                messages.info(request, "This assessment was submitted already.")
                return redirect("readiness:results", public_id=assessment.public_id)
            error = exc.messages[0]
        else:
            messages.success(request, "Submitted. Here are your results.")
            return redirect("readiness:results", public_id=assessment.public_id)
    answers = {a.dimension_key: a for a in assessment.answers.all()}
    pillars = [
        (p, [(spec.dimensions[k], answers.get(k)) for k in p.dimensions])
        for p in spec.pillars.values()
    ]
    agreed = {a.dimension_key: a for a in assessment.agreed_bands.all()}
    missing = [spec.dimensions[k] for k in spec.dimension_keys
               if k not in answers and k not in agreed]
    return render(request, "readiness/review.html", {
        **_step_context(request, assessment, "review"),
        "pillars": pillars, "missing": missing, "error": error, "agreed": agreed,
        "objective_names": {o.key: o.name for o in spec.objectives},
        "cost_names": {c.key: c.name for c in spec.cost_categories},
    }, status=400 if error else 200)


@require_POST
@rate_limit("start")
@holder_view
def reassess(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Start a new draft for the same firm with this assessment's answers prefilled."""
    if assessment.is_draft:
        return redirect("readiness:review", public_id=assessment.public_id)
    profile = {field: getattr(assessment, field) for field in services.PROFILE_FIELDS}
    new, token = services.assessment_start(profile=profile, previous=assessment)
    grant(request, new, token)
    services.resume_link_send(assessment=new, token=token)
    messages.success(request, "A re-assessment has started with your previous answers filled "
                              "in. Change what has moved on since last time.")
    return redirect("readiness:profile", public_id=new.public_id)


@require_GET
@rate_limit("resume")
def resume(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_by_token(token)
    if assessment is None:
        return render(request, "readiness/link_unknown.html", status=404)
    if is_expired(assessment):
        return render(request, "readiness/link_expired.html", status=410)
    grant(request, assessment, token)
    if not assessment.is_draft:
        return redirect("readiness:results", public_id=assessment.public_id)
    answered = set(assessment.answers.values_list("dimension_key", flat=True))
    spec = assessment.framework.spec
    for pillar_spec in spec.pillars.values():
        if not set(pillar_spec.dimensions) <= answered:
            messages.info(request, "Welcome back: you can carry on where you left off.")
            return redirect("readiness:pillar", public_id=assessment.public_id,
                            pillar_key=pillar_spec.key)
    return redirect("readiness:review", public_id=assessment.public_id)


@require_http_methods(["GET", "POST"])
@rate_limit("resume", methods=("POST",))  # only a pasted link is a lookup
def resume_help(request: HttpRequest) -> HttpResponse:
    """Paste a private link (or its code) to resume; the lookup is by the token's hash."""
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["link"]
        if assessment_by_token(token) is not None:
            return redirect("readiness:resume", token=token)
        form.add_error("link", "We could not find an assessment for this link. Check that you "
                               "copied all of it.")
    return render(request, "readiness/resume_help.html", {"form": form},
                  status=400 if form.errors else 200)
