from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look up a key in a dict from a template (for framework specs keyed by pillar/dimension)."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def one_decimal(value) -> str:
    """Scores keep full precision; they are rounded only here, for display."""
    if value is None:
        return "–"
    return f"{value:.1f}"


@register.filter
def percent(value) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f}%"


@register.filter
def step_url(step, public_id) -> str:
    return step.url(public_id)


@register.filter
def attr_title(band_spec) -> str:
    return getattr(band_spec, "title", "")


@register.filter
def attr_name(obj) -> str:
    return getattr(obj, "name", "")


@register.filter
def one_decimal_nan(value) -> str:
    """Like one_decimal, for pandas values where a missing number is NaN."""
    if value is None or value != value:  # NaN is the only value not equal to itself
        return "–"
    return f"{value:.1f}"
