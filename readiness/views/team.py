"""Several respondents per firm (issue 16): the lead invites colleagues and compares everyone's
bands; each colleague answers alone through a personal link."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.ratelimit import rate_limit, within_limit
from readiness import team_services
from readiness.access import (
    LinkExpired,
    respondent_by_token,
    respondent_for_holder,
    respondent_grant,
    respondent_is_expired,
)
from readiness.divergence import DISAGREEMENT
from readiness.forms import DONT_KNOW, NOT_APPLICABLE, AgreeForm, InviteForm, PillarForm
from readiness.models import Assessment, Respondent
from readiness.team_selectors import (
    LEAD_LABEL,
    agreed_bands,
    team_divergence,
    team_members,
    team_ratings,
)
from readiness.views.assessment import _step_context, holder_view, pillar_autosave


def _link(request: HttpRequest, respondent: Respondent) -> str | None:
    token = team_services.respondent_token(respondent)
    if token is None:
        return None
    return request.build_absolute_uri(reverse("readiness:respondent_open", kwargs={"token": token}))


def _send_link(request: HttpRequest, respondent: Respondent) -> None:
    if not respondent.email:
        return
    if not respondent.assessment.contact_email_verified_at:
        messages.info(request, "We email colleagues only once your own contact address is "
                               "confirmed: copy their link below and send it yourself.")
        return
    if not within_limit(request, "email", key=respondent.email.lower()):
        messages.warning(request, f"We emailed {respondent.email} recently; copy the link "
                                  "below instead, or try again in an hour.")
        return
    if team_services.respondent_link_send(respondent=respondent):
        messages.info(request, f"We emailed the link to {respondent.email}.")
    else:
        messages.warning(request, f"We could not email {respondent.email} just now; copy the "
                                  "link below and send it yourself.")


@require_http_methods(["GET", "POST"])
@rate_limit("start", methods=("POST",))
@holder_view
def team(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """The lead's page: invite colleagues, see who has answered, remind, share."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            respondent, _token = team_services.respondent_invite(
                assessment=assessment, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{respondent.label} is invited. Send them their "
                                      "personal link (below).")
            _send_link(request, respondent)
            return redirect(reverse("readiness:team", kwargs={"public_id": assessment.public_id})
                            + f"#respondent-{respondent.public_id}")
    total = len(assessment.framework.spec.dimension_keys)
    members = [(m, _link(request, m.respondent)) for m in team_members(assessment=assessment)]
    return render(request, "readiness/team.html", {
        **_step_context(request, assessment, "review"), "form": form, "members": members,
        "dimension_count": total,
    }, status=400 if form.errors else 200)


@require_POST
@rate_limit("start")
@holder_view
def respondent_remind(request: HttpRequest, assessment: Assessment, respondent_id) -> HttpResponse:
    respondent = get_object_or_404(Respondent, public_id=respondent_id, assessment=assessment)
    if not respondent.email:
        messages.info(request, "No email was given for this colleague: copy the link instead.")
    else:
        _send_link(request, respondent)
    return redirect(reverse("readiness:team", kwargs={"public_id": assessment.public_id})
                    + f"#respondent-{respondent.public_id}")


@require_POST
@holder_view
def respondent_remove(request: HttpRequest, assessment: Assessment, respondent_id) -> HttpResponse:
    respondent = get_object_or_404(Respondent, public_id=respondent_id, assessment=assessment)
    try:
        team_services.respondent_remove(respondent=respondent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{respondent.label} is removed: their link opens nothing any "
                                  "more and their answers are deleted.")
    return redirect("readiness:team", public_id=assessment.public_id)


@require_POST
@holder_view
def team_share(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    shared = request.POST.get("shared") == "1"
    team_services.team_share(assessment=assessment, shared=shared)
    messages.success(request, "Your colleagues now see everyone's answers side by side."
                     if shared else "Your colleagues see only their own answers again.")
    return redirect("readiness:team", public_id=assessment.public_id)


def _divergence_rows(assessment: Assessment, *, with_forms: bool) -> list[dict]:
    spec = assessment.framework.spec
    agreed = agreed_bands(assessment=assessment) if with_forms else {}
    rows = []
    for row in team_divergence(assessment=assessment):
        current = agreed.get(row.dimension)
        initial = {}
        if current is not None:
            initial = {"band": DONT_KNOW if current.is_unknown else NOT_APPLICABLE
                       if current.band is None else str(current.band), "reason": current.reason}
        rows.append({"row": row, "dim": spec.dimensions[row.dimension], "agreed": current,
                     "form": AgreeForm(initial=initial, prefix=row.dimension)
                     if with_forms else None})
    return rows


@require_GET
@holder_view
def divergence(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Everyone's band per dimension, disagreements first, and the consensus step."""
    rows = _divergence_rows(assessment, with_forms=assessment.is_draft)
    return render(request, "readiness/divergence.html", {
        **_step_context(request, assessment, "review"), "rows": rows,
        "people": list(team_ratings(assessment=assessment)), "lead_label": LEAD_LABEL,
        "disagreement": DISAGREEMENT,
        "disagreeing": sum(1 for r in rows if r["row"].disagree),
    })


@require_POST
@holder_view
def agree(request: HttpRequest, assessment: Assessment, dimension_key: str) -> HttpResponse:
    spec = assessment.framework.spec
    if dimension_key not in spec.dimensions:
        return HttpResponseBadRequest("Unknown dimension.")
    anchor = (reverse("readiness:divergence", kwargs={"public_id": assessment.public_id})
              + f"#agree-{dimension_key}")
    if not assessment.is_draft:
        messages.info(request, "This assessment is submitted; agreed bands can no longer change.")
        return redirect(anchor)
    if request.POST.get("clear"):
        team_services.agreed_band_clear(assessment=assessment, dimension_key=dimension_key)
        messages.success(request, f"{spec.dimensions[dimension_key].name}: your own answer "
                                  "counts again.")
        return redirect(anchor)
    form = AgreeForm(request.POST, prefix=dimension_key)
    if not form.is_valid():
        messages.error(request, f"{spec.dimensions[dimension_key].name}: "
                       + " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(anchor)
    ratings = [{"who": who, "band": answers[dimension_key]}
               for who, answers in team_ratings(assessment=assessment).items()
               if dimension_key in answers]
    team_services.agreed_band_record(assessment=assessment, dimension_key=dimension_key,
                                     band=form.agreed(), reason=form.cleaned_data["reason"],
                                     ratings=ratings)
    messages.success(request, f"{spec.dimensions[dimension_key].name}: agreed band recorded.")
    return redirect(anchor)


# The respondent's side ------------------------------------------------------------------------

def respondent_view(view):
    """Load the respondent whose personal link this session opened."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, public_id, **kwargs):
        try:
            respondent = respondent_for_holder(request, public_id)
        except LinkExpired:
            return render(request, "readiness/link_expired.html", status=410)
        return view(request, respondent, **kwargs)

    return wrapper


@require_GET
@rate_limit("resume")
def respondent_open(request: HttpRequest, token: str) -> HttpResponse:
    respondent = respondent_by_token(token)
    if respondent is None:
        return render(request, "readiness/link_unknown.html", status=404)
    if respondent_is_expired(respondent):
        return render(request, "readiness/link_expired.html", status=410)
    respondent_grant(request, respondent, token)
    return redirect("readiness:respondent_home", public_id=respondent.public_id)


def _respondent_pillars(respondent: Respondent) -> list[tuple]:
    spec = respondent.assessment.framework.spec
    answered = set(respondent.answers.values_list("dimension_key", flat=True))
    return [(p, sum(1 for k in p.dimensions if k in answered)) for p in spec.pillars.values()]


@require_http_methods(["GET", "POST"])
@respondent_view
def respondent_home(request: HttpRequest, respondent: Respondent) -> HttpResponse:
    assessment = respondent.assessment
    if request.method == "POST" and assessment.is_draft:
        team_services.respondent_finish(respondent=respondent)
        messages.success(request, "Thank you: your answers are with your colleague. You can "
                                  "still change them with your link until the assessment is "
                                  "submitted.")
        return redirect("readiness:respondent_home", public_id=respondent.public_id)
    spec = assessment.framework.spec
    answers = {a.dimension_key: a for a in respondent.answers.all()}
    shared = assessment.team_shared_at is not None
    return render(request, "readiness/respondent_home.html", {
        "respondent": respondent, "assessment": assessment, "spec": spec,
        "pillars": _respondent_pillars(respondent),
        "own": [(spec.dimensions[k], answers.get(k)) for k in spec.dimension_keys],
        "rows": _divergence_rows(assessment, with_forms=False) if shared else None,
        "people": list(team_ratings(assessment=assessment)) if shared else None,
    })


def _respondent_neighbours(respondent: Respondent, pillar_key: str):
    keys = list(respondent.assessment.framework.spec.pillars)
    index = keys.index(pillar_key)
    return (keys[index - 1] if index > 0 else None,
            keys[index + 1] if index + 1 < len(keys) else None)


@require_http_methods(["GET", "POST"])
@respondent_view
def respondent_pillar(request: HttpRequest, respondent: Respondent,
                      pillar_key: str) -> HttpResponse:
    assessment = respondent.assessment
    spec = assessment.framework.spec
    if pillar_key not in spec.pillars:
        return render(request, "errors/404.html", status=404)
    if not assessment.is_draft:
        messages.info(request, "The assessment has been submitted; answers can no longer change.")
        return redirect("readiness:respondent_home", public_id=respondent.public_id)
    previous, following = _respondent_neighbours(respondent, pillar_key)
    if request.method == "POST":
        form = PillarForm(request.POST, spec=spec, pillar_key=pillar_key)
        if form.is_valid():
            try:
                team_services.respondent_answers_save(respondent=respondent,
                                                      answers=form.answers())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                go = request.POST.get("go")
                target = previous if go == "back" else following if go == "next" else None
                if target:
                    return redirect("readiness:respondent_pillar",
                                    public_id=respondent.public_id, pillar_key=target)
                return redirect("readiness:respondent_home", public_id=respondent.public_id)
    else:
        own = respondent.answers.filter(dimension_key__in=spec.pillars[pillar_key].dimensions)
        form = PillarForm(initial=PillarForm.initial_from(own), spec=spec, pillar_key=pillar_key)
    return render(request, "readiness/respondent_pillar.html", {
        "respondent": respondent, "assessment": assessment, "form": form,
        "pillar": spec.pillars[pillar_key],
        "previous_pillar": spec.pillars[previous] if previous else None,
        "next_pillar": spec.pillars[following] if following else None,
        "pillars": _respondent_pillars(respondent),
    })


@require_POST
@respondent_view
def respondent_autosave(request: HttpRequest, respondent: Respondent,
                        pillar_key: str) -> HttpResponse:
    """htmx: save every valid answer on the respondent's page as they go."""
    return pillar_autosave(
        request, respondent.assessment.framework.spec, pillar_key,
        lambda answers: team_services.respondent_answers_save(respondent=respondent,
                                                              answers=answers))


