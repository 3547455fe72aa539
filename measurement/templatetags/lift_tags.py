from django import template

from measurement.lift import points

register = template.Library()


@register.filter
def signed_points(value: float | None) -> str:
    """A difference of shares in plain words ("+4.2 percentage points")."""
    return "—" if value is None else points(value)


@register.filter
def money0(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@register.filter
def signed_money(value: float | None) -> str:
    return "—" if value is None else f"{value:+,.0f}"
