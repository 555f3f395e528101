"""Numbers, units and dates as a Swedish (or English) reader expects them."""

import re
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal

from app.i18n import current_lang
from app.i18n import gettext as _
from app.models.vocab import Unit

LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def locale() -> str:
    return LOCALES.get(current_lang.get(), "sv_SE")


def number(value: float, decimals: int = 0) -> str:
    return _number(value, decimals, locale())


@lru_cache(maxsize=8192)
def _number(value: float, decimals: int, locale: str) -> str:
    # Babel's formatting was a fifth of a provider page's time (py-spy, bench/RESULTS.md);
    # the same few thousand values recur on every page.
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def with_unit(value: float, unit: str, decimals: int = 0) -> str:
    """'87 %' in Swedish, '87%' in English; points and index carry their scale."""
    text = number(value, decimals)
    if unit == Unit.PERCENT:
        return f"{text}\u00a0%" if current_lang.get() == "sv" else f"{text}%"
    if unit == Unit.POINTS:
        return f"{text}\u00a0" + _("poäng")
    return text


def unit_label(unit: str) -> str:
    return {
        Unit.PERCENT: _("procent"),
        Unit.COUNT: _("antal"),
        Unit.RATIO: _("kvot"),
        Unit.POINTS: _("poäng"),
        Unit.INDEX: _("index 0–10"),
    }.get(Unit(unit), unit)


def day(value: date | None) -> str:
    if value is None:
        return ""
    return _day(value, locale())


@lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def distance(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f}\u00a0m"
    return f"{number(metres / 1000, 1)}\u00a0km"


def postal_code(code: str | None) -> str:
    """'18365' as Swedes write it: '183 65'."""
    code = "".join((code or "").split())
    return f"{code[:3]}\u00a0{code[3:]}" if len(code) == 5 and code.isdigit() else code


def value_range(low: float, high: float, unit: str, decimals: int = 0) -> str:
    """'65,2–89,5 %': a range with the unit once, at the end."""
    return f"{number(low, decimals)}–{with_unit(high, unit, decimals)}"


def tel_href(phone: str) -> str:
    """'08-555 123 45' -> 'tel:+46855512345', so a phone dials it whatever the spacing."""
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("0"):
        digits = "+46" + digits[1:]
    return f"tel:{digits}"
