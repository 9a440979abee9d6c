"""HTML to PDF with WeasyPrint: fonts from Debian packages, files from disk, nothing else.

Stylesheets are linked with ``{% static %}`` and resolved by ``ReportURLFetcher`` from the
staticfiles finders (or ``STATIC_ROOT``) and ``MEDIA_ROOT``: never over HTTP, so rendering works in
a worker without a request and cannot be turned into a server-side request forgery. Every URL it
is asked for is recorded, so tests can show that no request left the process.
"""

from __future__ import annotations

import logging
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.selectors import ReportContext

logger = logging.getLogger(__name__)

TEMPLATE = "reports/report.html"
ALLOWED_SCHEMES = ("file", "data")

# Parsing fonts is costly; WeasyPrint's docs advise one FontConfiguration per process.
_FONT_CONFIG: FontConfiguration | None = None
# Decoded images shared between documents (only our own static files ever get in here).
_IMAGE_CACHE: dict[str, Any] = {}


class ReportRenderError(Exception):
    """A report could not be rendered; the message is safe to show to the user."""


class ForbiddenURL(ValueError):
    """A URL the report renderer refuses to fetch."""


def font_config() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


class ReportURLFetcher(URLFetcher):
    """Serve ``file:`` URLs from static files and media, ``data:`` inline; refuse the rest.

    ``base_url`` is ``file:///``, so ``{% static 'css/report.css' %}`` arrives here as
    ``file:///static/css/report.css``: the ``STATIC_URL`` prefix is looked up through the
    staticfiles finders (as ``runserver`` would), the ``MEDIA_URL`` prefix under ``MEDIA_ROOT``.
    Any other path, host or scheme raises ``ForbiddenURL`` without touching the network or disk.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=list(ALLOWED_SCHEMES), **kwargs)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._local_path(url)
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                          headers={"Content-Type": kind})
        self.refused.append(url)
        logger.warning("Report renderer refused to fetch %s", url[:200])
        raise ForbiddenURL(f"Reports may only load their own static files, not {url[:200]}")

    @staticmethod
    def _local_path(url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = unquote(parts.path)
        static_url = "/" + settings.STATIC_URL.strip("/") + "/"
        media_url = "/" + settings.MEDIA_URL.strip("/") + "/"
        if path.startswith(static_url):
            relative = path[len(static_url):]
            # Finders know the source tree; STATIC_ROOT holds collectstatic's hashed names.
            try:
                found = finders.find(relative)
            except SuspiciousFileOperation:  # "../" out of a static directory
                return None
            candidate = Path(found) if found else Path(settings.STATIC_ROOT) / relative
            root = None
        elif path.startswith(media_url):
            root = Path(settings.MEDIA_ROOT).resolve()
            candidate = root / path[len(media_url):]
        else:
            return None
        candidate = candidate.resolve()
        if root is not None and not candidate.is_relative_to(root):
            return None  # "../" out of MEDIA_ROOT
        return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int
    seconds: float
    requested: tuple[str, ...]


def render_html(context: ReportContext) -> str:
    return render_to_string(TEMPLATE, context.template_context())


def html_to_pdf(html: str, *, fetcher: ReportURLFetcher | None = None) -> RenderedPDF:
    """Lay out ``html`` and write the PDF; any failure becomes ``ReportRenderError``."""
    fetcher = fetcher or ReportURLFetcher()
    started = time.perf_counter()
    try:
        document = HTML(string=html, base_url="file:///", url_fetcher=fetcher).render(
            font_config=font_config(), cache=_IMAGE_CACHE
        )
        # Tagged (structure tree, reading order, /Lang from <html lang>): screen readers can read
        # the report, which public-sector users must be able to offer (WCAG, PDF/UA-style).
        content = document.write_pdf(pdf_tags=True)
    except Exception as error:  # WeasyPrint raises many kinds; all mean "no report".
        logger.exception("Rendering a report failed")
        raise ReportRenderError("The report could not be laid out.") from error
    return RenderedPDF(content=content, pages=len(document.pages),
                       seconds=time.perf_counter() - started, requested=tuple(fetcher.requested))


def render_pdf(context: ReportContext, *, fetcher: ReportURLFetcher | None = None) -> RenderedPDF:
    """The report for a context from ``reports.selectors.report_context``."""
    try:
        html = render_html(context)
    except Exception as error:
        logger.exception("Rendering the report template failed")
        raise ReportRenderError("The report could not be prepared.") from error
    return html_to_pdf(html, fetcher=fetcher)
