"""Small request/response rules that hold for every view (security review F15, F19)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponse]


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered (F19), with the headers of the GET and no body.

    Views here are decorated with ``require_GET`` (which refuses HEAD with 405); HTTP says a
    server answering GET should answer HEAD alike, and monitors and link checkers send it. A GET
    view changes nothing, so running it for a HEAD is safe.
    """

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class NoStoreForSessionsMiddleware:
    """``Cache-Control: no-store`` on every response built for a session (F15).

    A page or export that read the session (a firm's link, a signed-in advisor) may hold
    personal data: no browser or shared cache may keep it, so the back button after signing out
    on a shared computer shows nothing. A view that set its own Cache-Control keeps it.
    Must come after SessionMiddleware (its response hook runs first, while ``accessed`` says
    whether the view read the session).
    """

    def __init__(self, get_response: Handler):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
