"""Writes made outside the services (the admin, the ORM) still renew the per-process copies."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from readiness.models import FrameworkVersion, PriorityWeights
from readiness.reference_cache import FRAMEWORK_REFERENCE, WEIGHTS_REFERENCE, reference_bump

# Sent with ``assessment`` when something its results show changed after submission (an
# advisor verified answers): the apps above drop what they keep of them (the reports app's
# cached results page). Readiness cannot call them: it sits below them.
results_changed = Signal()


def _weights_changed(**kwargs) -> None:
    reference_bump(WEIGHTS_REFERENCE)


def _framework_changed(**kwargs) -> None:
    reference_bump(FRAMEWORK_REFERENCE)


for signal in (post_save, post_delete):
    signal.connect(_weights_changed, sender=PriorityWeights,
                   dispatch_uid="readiness-weights-changed")
    signal.connect(_framework_changed, sender=FrameworkVersion,
                   dispatch_uid="readiness-framework-changed")
