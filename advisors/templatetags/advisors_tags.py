from django import template

from advisors.selectors import sharing_options

register = template.Library()


@register.inclusion_tag("advisors/_sharing.html", takes_context=True)
def sharing_panel(context):
    """The firm's choice of organisations to share its submitted assessment with."""
    assessment = context["assessment"]
    return {**sharing_options(assessment), "assessment": assessment,
            "csrf_token": context.get("csrf_token"), "request": context.get("request")}


@register.inclusion_tag("advisors/_referrals.html", takes_context=True)
def referrals_panel(context):
    """What the firm's advisors referred it to, and where each referral stands."""
    from advisors.models import Referral

    referrals = (Referral.objects.filter(share__assessment=context["assessment"],
                                         share__withdrawn_at__isnull=True)
                 .select_related("share__organisation", "programme").order_by("created_at"))
    return {"referrals": referrals}


@register.filter
def trend(latest: float | None, previous: float | None) -> str:
    """"up", "down" or "no change" between two overall scores as they are shown (one decimal)."""
    if latest is None or previous is None:
        return ""
    change = round(latest, 1) - round(previous, 1)
    return "up" if change > 0.01 else "down" if change < -0.01 else "no change"
