"""The advisor workspace's part in a firm's data rights: its data in the export, and erased
with the assessment (history rows go with their rows: ``cascade_delete_history``)."""

from __future__ import annotations

from advisors.models import Share
from readiness.models import Assessment
from readiness.privacy import register_exporter


@register_exporter("advisors")
def export_advisor_data(assessment: Assessment) -> list[dict]:
    shares = (Share.objects.filter(assessment=assessment)
              .select_related("organisation")
              .prefetch_related("notes__author", "actions", "referrals"))
    return [{
        "organisation": share.organisation.name,
        "shared_at": share.shared_at.isoformat(),
        "withdrawn_at": share.withdrawn_at.isoformat() if share.withdrawn_at else None,
        "status": share.status,
        "notes": [{"author": n.author_name or None,
                   "created_at": n.created_at.isoformat(), "text": n.text}
                  for n in share.notes.all() if n.is_for_firm],
        "actions": [{"text": a.text, "owner": a.owner,
                     "due_date": a.due_date.isoformat() if a.due_date else None, "done": a.done}
                    for a in share.actions.all()],
        "referrals": [{"programme": r.programme_name, "status": r.status,
                       "status_date": r.status_date.isoformat(),
                       "grant_amount": str(r.grant_amount) if r.grant_amount is not None else None,
                       "own_investment": (str(r.own_investment) if r.own_investment is not None
                                          else None),
                       "currency": r.currency}
                      for r in share.referrals.all()],
    } for share in shares]
