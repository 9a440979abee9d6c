"""F19 leftovers: __Host- cookie names in production, and deeply nested JSON in the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def production_setting(names: str, **env: str) -> list[str]:
    script = ("import django; django.setup(); from django.conf import settings; "
              f"print(*[getattr(settings, n) for n in {names.split()!r}])")
    environment = {**os.environ, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 60,
                   "DJANGO_ALLOWED_HOSTS": "compass.example", "DJANGO_SETTINGS_MODULE":
                   "config.settings", **env}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment,  # noqa: S603
                         capture_output=True, text=True, check=True, timeout=60)
    return out.stdout.split()


def test_f19_production_cookies_carry_the_host_prefix():
    assert production_setting("SESSION_COOKIE_NAME CSRF_COOKIE_NAME") == [
        "__Host-sessionid", "__Host-csrftoken"]
    # A plain-HTTP loopback run of the production stack (bench/) cannot keep __Host- cookies.
    assert production_setting("SESSION_COOKIE_NAME", DJANGO_SECURE_COOKIES="0") == ["sessionid"]


@pytest.mark.django_db
def test_f19_deeply_nested_json_gets_a_message_not_a_traceback(tmp_path, framework):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError) as raised:
        call_command("evaluate", str(deep))
    assert json.loads(str(raised.value)) == {
        "errors": {"body": ["The JSON is nested too deeply to be a firm's data."]}}
