"""Friendly error pages: every refusal says what happened and what to do next."""

import sys

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

# Fields never written back into a page: the CSRF token gets a fresh one, and a password
# is typed again rather than kept in HTML that a browser may cache.
_NOT_KEPT = ("csrfmiddlewaretoken",)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its exception handler, so the exception is at hand. A database
    # that is down, restarting or busy is not a bug: say "try again" (503 + Retry-After) so that
    # clients and load balancers retry; the error is still logged by django.request.
    unavailable = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    status = 503 if unavailable else 500
    # Rendered without the request's context processors: they would read the session and the
    # user from the database that may be what just failed.
    body = render_to_string(f"errors/{status}.html", _retry_context(request))
    response = HttpResponse(body, status=status)
    if unavailable:
        response["Retry-After"] = "5"
    # The page may carry what the user typed: never keep it in a shared or browser cache.
    add_never_cache_headers(response)
    return response


def _retry_context(request: HttpRequest) -> dict[str, object]:
    """What "Try again" needs: the address, and for a form post every value it sent.

    The post is offered again as a form of hidden fields, so nothing typed is lost when the
    failure was passing (a busy or restarting database) and one click sends it once more.
    """
    context: dict[str, object] = {"retry_url": request.get_full_path(), "retry_post": False}
    if request.method != "POST":
        return context
    try:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            for value in values
            if name not in _NOT_KEPT and "password" not in name.lower()
        ]
        had_files = bool(request.FILES)
        dropped_password = any("password" in name.lower() for name in request.POST)
    except (SuspiciousOperation, MultiPartParserError, OSError):
        # A body too big or unreadable: offer a plain retry rather than fail the error page.
        return context
    context.update(
        retry_post=True,
        retry_fields=fields,
        retry_had_files=had_files,
        retry_dropped_password=dropped_password,
        csrf_token=get_token(request),
    )
    return context
