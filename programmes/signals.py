"""Tells the apps above when a programme's status or rules change, so that they can re-match.

``programmes`` sits below ``advisors`` and must not import it; it sends ``programme_rules_changed``
and ``advisors`` (which flags cases and emails firms) listens.
"""

from __future__ import annotations

from django.dispatch import Signal, receiver
from simple_history.signals import post_create_historical_record

# Sent with programme_id and previous_history_id once the change is committed.
programme_rules_changed = Signal()

# The fields that decide who qualifies and what a firm is told about the status.
RULE_FIELDS = (
    "status", "status_checked_on", "regional_status", "eligible_countries", "eligible_regions",
    "eligible_sectors", "min_employees", "max_employees", "max_turnover",
    "max_turnover_currency", "size_rule", "sme_rule", "opens_on", "closes_on", "rounds",
    "primary_kind",
)  # fmt: skip


@receiver(post_create_historical_record, dispatch_uid="programmes.rules_changed")
def _on_programme_history(sender, instance, history_instance, **kwargs) -> None:
    from programmes.models import Programme

    if not isinstance(instance, Programme):
        return
    previous = history_instance.prev_record
    if previous is None:  # a new programme: nobody's matches were computed with it yet
        return
    delta = history_instance.diff_against(previous, included_fields=list(RULE_FIELDS))
    if delta.changed_fields:
        programme_rules_changed.send(
            sender=Programme, programme_id=instance.pk, previous_history_id=previous.history_id,
            changed_fields=list(delta.changed_fields),
        )
