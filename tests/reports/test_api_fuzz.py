"""Fuzz the API from its own OpenAPI document: valid and invalid data, never a server error,
and every answer as documented. Kept small so that it runs in seconds.

Hypothesis drives schemathesis's strategies directly: schemathesis's own pytest plugin does not
work with the pytest in use here.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
# `make fuzz` raises the number of cases (FUZZ_EXAMPLES=2000); the suite keeps it quick.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
RANDOM = os.environ.get("FUZZ_RANDOM") is not None


@pytest.fixture
def api(db, settings):
    # Thousands of cases from one address would meet the rate limit (tested on its own in
    # tests/system/test_rate_limits.py); here every case must reach the API itself.
    settings.RATELIMIT_ENABLE = False
    call_command("load_programmes", verbosity=0)
    # As in tests/reports/test_api.py: keep the test transaction's connection open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
@pytest.mark.parametrize("operation", ["POST /evaluate", "GET /programmes",
                                       "GET /programmes/{slug}"])
def test_api_never_fails_and_answers_as_documented(api, operation, mode):
    method, path = operation.split(" ")
    strategy = api[path][method].as_strategy(generation_mode=mode)
    statuses: list[int] = []

    @given(case=strategy)
    # The suite repeats the same cases (derandomize); `make fuzz` draws new ones each run.
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=RANDOM is False, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call()
        statuses.append(response.status_code)
        checks = CHECKS
        if any(isinstance(value, dict | list) for value in (case.query or {}).values()):
            # An object or list in a query string is sent as plain key=value text, which can be
            # valid input again (an object's keys become repeated strings): not a rejection
            # the server could see. Every other check still applies.
            checks = [check for check in CHECKS if check is not negative_data_rejection]
        case.validate_response(response, checks=checks)

    run()
    assert statuses and all(status < 500 for status in statuses)
