"""Impact of the support an organisation arranged, against firms that did not get it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from advisors import impact, selectors
from advisors.access import advisor_required
from advisors.views.workspace import _scope


@require_GET
@advisor_required
def impact_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    journeys = selectors.impact_journeys(scope)
    return render(request, "advisors/impact.html", {
        "scope": scope or "all organisations",
        "synthetic": scope is not None and scope.is_synthetic,
        "overall": impact.overall(journeys),
        "breakdowns": [
            ("By programme", impact.impact_by(journeys, lambda j: j.programmes)),
            ("By organisation", impact.impact_by(journeys, lambda j: j.organisations)
             if scope is None else []),
            ("By cohort (year of the first assessment)",
             impact.impact_by(journeys, lambda j: (j.cohort,))),
        ],
        "min_group": impact.MIN_GROUP,
        "support_received": selectors.SUPPORT_RECEIVED,
    })
