"""Rate limits for views: one decorator, named rates from settings.RATELIMITS.

Usage (the rate is looked up by name, so operators can change it without a deploy)::

    from config.ratelimit import rate_limit

    @rate_limit("login")                      # per client address, every method
    def login(request): ...

    @rate_limit("api", methods=("POST",))     # only POSTs count
    def evaluate(request): ...

    @rate_limit("pdf", response=my_json_429)  # a custom refusal (e.g. JSON for the API)
    def report_pdf(request, public_id): ...

Counters live in the default cache (settings.RATELIMIT_USE_CACHE): Redis, shared by every app
process, in a deployment with REDIS_URL; per-process memory otherwise. A refused request gets a
429 page with a Retry-After header; it is never a 500 and never touches the view.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

View = Callable[..., HttpResponseBase]

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def retry_after_seconds(rate: str) -> int:
    """The window of a rate such as ``"30/m"`` or ``"100/5m"``, in seconds (for Retry-After)."""
    match = re.fullmatch(r"\s*\d+\s*/\s*(\d*)\s*([smhd])\s*", rate)
    if match is None:
        raise ValueError(f"not a rate: {rate!r} (e.g. '30/m' or '100/5m')")
    return int(match.group(1) or 1) * _SECONDS[match.group(2)]


def too_many_requests(request: HttpRequest, rate: str) -> HttpResponse:
    """The default refusal: a friendly HTML page, status 429, with Retry-After."""
    response = render(request, "errors/429.html", status=429)
    response["Retry-After"] = str(retry_after_seconds(rate))
    return response


def client_address(group: str, request: HttpRequest) -> str:
    """The client's address as the proxy reports it (RATELIMIT_IP_META_KEY), else REMOTE_ADDR.

    A request without one (an in-process WSGI call) shares a single bucket instead of failing.
    """
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    value = request.META.get(meta_key) or request.META.get("REMOTE_ADDR") or "unknown"
    return value.split(",")[0].strip()


def within_limit(request: HttpRequest, name: str, *, key: str) -> bool:
    """Count one use of ``settings.RATELIMITS[name]`` for ``key`` (e.g. a recipient address,
    not the client); False once the budget is spent. For limits a view applies to one part of
    its work, such as sending an email, rather than to the whole request."""
    return not is_ratelimited(request, group=f"readiness:{name}", key=lambda _g, _r: key,
                              rate=settings.RATELIMITS[name], increment=True)


def rate_limit(
    name: str,
    *,
    key: str | Callable | None = None,
    methods: Iterable[str] | None = None,
    response: Callable[[HttpRequest, str], HttpResponse] = too_many_requests,
) -> Callable[[View], View]:
    """Refuse a view's requests past ``settings.RATELIMITS[name]`` per ``key`` (client address).

    ``methods`` limits which methods count (default: all). Every view decorated with the same
    ``name`` shares one counter per client, so several lookup views share one budget.
    """
    method_list = tuple(m.upper() for m in methods) if methods else None
    key = key or client_address

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            rate = settings.RATELIMITS[name]
            if (method_list is None or request.method in method_list) and is_ratelimited(
                request, group=f"readiness:{name}", key=key, rate=rate, increment=True
            ):
                return response(request, rate)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
