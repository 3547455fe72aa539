from django import template

register = template.Library()


@register.filter
def signed_pct(value: float | None) -> str:
    """A difference of shares in percentage points ("+4.2 pp")."""
    return "—" if value is None else f"{100 * value:+.1f} pp"


@register.filter
def money0(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@register.filter
def signed_money(value: float | None) -> str:
    return "—" if value is None else f"{value:+,.0f}"
