from django import template

from advisors.selectors import sharing_options

register = template.Library()


@register.inclusion_tag("advisors/_sharing.html", takes_context=True)
def sharing_panel(context):
    """The firm's choice of organisations to share its submitted assessment with."""
    assessment = context["assessment"]
    return {**sharing_options(assessment), "assessment": assessment,
            "csrf_token": context.get("csrf_token"), "request": context.get("request")}
