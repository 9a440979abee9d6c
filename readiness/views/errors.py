"""Friendly error pages: every refusal says what happened and what to do next."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its exception handler, so the exception is at hand. A database
    # that is down or restarting is not a bug: say "try again" (503 + Retry-After) so that
    # clients and load balancers retry; the error is still logged by django.request.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return render(request, "errors/500.html", status=500)
