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
import ipaddress
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


def request_address(request: HttpRequest) -> str:
    """The client's address as the trusted proxies report it (RATELIMIT_IP_META_KEY), else
    REMOTE_ADDR. Rate limits and axes' lockouts both key on it.

    Each proxy appends the address it received the request from to X-Forwarded-For, so only the
    rightmost RATELIMIT_TRUSTED_PROXIES entries were written by proxies we run; anything left of
    them came from the client and can say anything (F19). With one proxy that is the rightmost
    entry. A request without an address (an in-process WSGI call) shares a single bucket.
    """
    return forwarded_address(request) or "unknown"


def forwarded_address(request: HttpRequest) -> str | None:
    """``request_address`` without the shared fallback: None when there is no valid address
    (axes stores it in an inet column on PostgreSQL, which refuses anything else)."""
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    value = request.META.get(meta_key) or request.META.get("REMOTE_ADDR") or ""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if not entries:
        return None
    trusted = max(int(getattr(settings, "RATELIMIT_TRUSTED_PROXIES", 1)), 1)
    # Fewer entries than proxies: the request skipped some of them; the leftmost is the best.
    chosen = entries[-trusted] if len(entries) >= trusted else entries[0]
    try:
        return str(ipaddress.ip_address(chosen))
    except ValueError:
        # Not an address (a misconfigured proxy): the peer's own address is at least real.
        return request.META.get("REMOTE_ADDR") or None


def client_address(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key function: the request's client address."""
    return request_address(request)


def posted_username(group: str, request: HttpRequest) -> str:
    """The account a sign-in POST tries, whatever address it comes from (F12)."""
    username = request.POST.get("username", "").strip().casefold()[:150]
    return f"user:{username}" if username else f"addr:{request_address(request)}"


def login_throttle(view: View) -> View:
    """Every sign-in form's limits (F12): per client address, and per account across addresses.

    Axes locks an account after repeated failures from one address; the per-account rate stops
    guessing spread over many addresses (it refuses with 429 for the window, it locks nothing).
    """
    per_account = rate_limit("login_account", key=posted_username, methods=("POST",))(view)
    return rate_limit("login", methods=("POST",))(per_account)


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
