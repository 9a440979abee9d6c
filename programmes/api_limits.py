"""Limits on API input, shared by the validation and the OpenAPI document."""

MAX_EMPLOYEES = 10_000_000
MAX_TURNOVER = 10**15
