"""Background tasks of the readiness app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from readiness.services import benchmark_cohort_refresh


@task()
def refresh_benchmark_cohort(framework_version: int, sector: str, size_band: str) -> int:
    """Recompute one cohort's best-in-class targets; returns the credible firms it counted."""
    cohort = benchmark_cohort_refresh(framework_version=framework_version, sector=sector,
                                      size_band=size_band)
    return cohort.firms
