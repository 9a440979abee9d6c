from django import template

from programmes.models import Kind
from readiness.reference import country_name, region_label, sector_label

register = template.Library()


@register.filter
def country_label(code: str) -> str:
    return country_name(code) if code else ""


@register.filter
def kind_label(key: str) -> str:
    try:
        return Kind(key).label
    except ValueError:
        return key


@register.filter
def sector_names(codes: list[str]) -> str:
    manufacturing = {f"{n:02d}" for n in range(10, 34)}
    parts = []
    rest = sorted(codes)
    if manufacturing <= set(codes):
        parts.append("Manufacturing (ISIC 10 to 33)")
        rest = sorted(set(codes) - manufacturing)
    parts.extend(sector_label(code) for code in rest)
    return "; ".join(parts)


@register.filter
def region_names(regions: list[str], country: str) -> str:
    return ", ".join(region_label(country, r) for r in regions)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


@register.filter
def cost_range(cost) -> str:
    """A plan's cost range as an owner reads it ("£3,000 to £15,000")."""
    from programmes.planning import cost_text

    return cost_text(cost) if cost is not None else ""


@register.filter
def funding_phrase(funding) -> str:
    """What one programme would do for one plan project, in a phrase."""
    from programmes.planning import funding_text

    return funding_text(funding)
