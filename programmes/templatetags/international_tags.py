"""The international view on the results page and in the PDF report (issue 15 item 1): one tag
each, so the shared templates carry a one-line hook."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from programmes.international import NOTE_DATE
from programmes.international_selectors import international_for_assessment

register = template.Library()

NOTE_PARAM = "intl"  # ?intl=today draws the view, ?intl=2020-11-30 on the note's date


def as_of_from(value: str | None) -> datetime.date:
    """The day of the view: the policy note's date when asked for, else today. Any other value
    is today's view, never an error."""
    return NOTE_DATE if value == NOTE_DATE.isoformat() else timezone.localdate()


def panel_asked(value: str | None) -> bool:
    """The results page draws the view only when asked (``?intl=today`` or the note's date):
    otherwise it carries a placeholder that htmx fills from its own URL, so the page itself
    costs no more than before (its body is kept in the cache; this part depends on the day)."""
    return value is not None


def panel_context(assessment: Any, as_of: datetime.date, request: Any = None) -> dict[str, Any]:
    view = international_for_assessment(assessment, as_of=as_of)
    return {"international": view, "assessment": assessment, "note_date": NOTE_DATE,
            "today": timezone.localdate(), "request": request}


@register.inclusion_tag("programmes/_international.html", takes_context=True)
def international_panel(context) -> dict[str, Any]:
    """The results page's section "What a firm like yours would get abroad"."""
    request = context.get("request")
    value = request.GET.get(NOTE_PARAM) if request is not None else None
    if not panel_asked(value):
        return {"international": None, "assessment": context["assessment"],
                "note_date": NOTE_DATE, "today": timezone.localdate(), "request": request}
    return panel_context(context["assessment"], as_of_from(value), request)


@register.inclusion_tag("reports/_international.html", takes_context=True)
def international_pages(context) -> dict[str, Any]:
    """The PDF's pages: the view today (the report's day) and on the policy note's date."""
    assessment = context["assessment"]
    match_result = context.get("match_result")
    today = match_result.as_of if match_result is not None else timezone.localdate()
    results = context.get("results")
    return {
        "views": [international_for_assessment(assessment, as_of=day, results=results)
                  for day in dict.fromkeys((today, NOTE_DATE))],
        "note_date": NOTE_DATE,
    }
