"""Background tasks for advisors (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from advisors.services import programme_change_rematch


@task()
def rematch_after_programme_change(programme_id: int, previous_history_id: int) -> dict:
    """Re-match the submitted assessments after a programme's status or rules changed."""
    report = programme_change_rematch(programme_id=programme_id,
                                      previous_history_id=previous_history_id)
    return {"checked": report.checked, "changed": len(report.changed),
            "emailed": report.emailed, "cases_flagged": report.cases_flagged}
