"""Every write to a programme (services, the admin, the ORM) renews the per-process records."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from programmes.models import Institution, Programme, SupportKind
from readiness.reference_cache import PROGRAMMES_REFERENCE, reference_bump


def _programmes_changed(**kwargs) -> None:
    reference_bump(PROGRAMMES_REFERENCE)


for model in (Programme, SupportKind, Institution):
    post_save.connect(_programmes_changed, sender=model,
                      dispatch_uid=f"programmes-changed-save-{model.__name__}")
    post_delete.connect(_programmes_changed, sender=model,
                        dispatch_uid=f"programmes-changed-delete-{model.__name__}")
for relation in (Programme.kinds.through, Programme.institutions.through):
    m2m_changed.connect(_programmes_changed, sender=relation,
                        dispatch_uid=f"programmes-changed-m2m-{relation.__name__}")
