"""The site's URLs plus two views that fail the way production fails, for tests/system/test_error_pages.py:
a database that is locked (OperationalError, as SQLite raises it) and a bug."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def locked(request: HttpRequest) -> HttpResponse:
    raise OperationalError("database is locked")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("test-locked/", locked), path("test-broken/", broken), *urlpatterns]
