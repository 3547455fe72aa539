import datetime as dt

from django import template

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """A share (0.8) as a percentage ("80.0%"); "—" when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


@register.filter
def pct_number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}"


@register.filter
def duration(value: dt.timedelta | float | None) -> str:
    """A time span in days ("2.4 d") or, under a day, hours ("5.0 h")."""
    if value is None:
        return "—"
    days = value.total_seconds() / 86400 if isinstance(value, dt.timedelta) else float(value)
    return f"{days * 24:.1f} h" if days < 1 else f"{days:.1f} d"
