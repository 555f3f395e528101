"""Cell types shared by every file schema: how a human writes a number, a flag, a list."""

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from app.embed.origins import normalise_origin
from app.messages import Message, msg


def _number(v: Any) -> Any:
    # Swedish exports write 12,5 and 1 234; both mean the same number as 12.5 and 1234.
    if isinstance(v, str):
        return v.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return v


def _flag(v: Any) -> Any:
    if isinstance(v, str):
        folded = v.strip().lower()
        if folded in {"ja", "j", "true", "1", "yes"}:
            return True
        if folded in {"nej", "n", "false", "0", "no"}:
            return False
    return v


# As Swedes write numbers: an optional +46 (with or without "(0)") or an area code in
# brackets, then digits in groups separated by spaces, hyphens or a slash.
_PHONE = re.compile(r"(\+\d{1,3} ?(\(0\) ?)?|\(0\d{1,3}\) ?)?\d[\d /-]*\d")
_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)[\w.!#$%&'*+/=?^`{|}~-]+(?<!\.)"  # the part before @
    r"@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{2,}"  # a domain with a top-level domain
)


def _phone(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    text = " ".join(v.replace("\u00a0", " ").split())
    if not _PHONE.fullmatch(text) or not 6 <= sum(c in "0123456789" for c in text) <= 15:
        raise PydanticCustomError("phone", _MESSAGES["phone"])
    return text


def _email(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    text = v.strip()
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise PydanticCustomError("email", _MESSAGES["email"])
    return text


def _items(v: Any) -> Any:
    if v is None:
        return []
    if isinstance(v, str):
        return [item.strip() for item in v.split("|") if item.strip()]
    return v


def _school_years(v: Any) -> Any:
    """'F-9', 'F–6', '7-9', '0|1|2' or '4': the årskurser a school teaches, F (förskoleklass)
    as 0; a sorted list of ints."""
    if v is None:
        return []
    if not isinstance(v, str):
        return v
    text = v.strip().upper().replace("–", "-").replace(" ", "")
    years: set[int] = set()
    try:
        for part in text.split("|") if "|" in text else [text]:
            first, _, last = part.partition("-")
            low = 0 if first == "F" else int(first)
            high = low if not last else 0 if last == "F" else int(last)
            if not 0 <= low <= high <= 10:
                raise ValueError(part)
            years.update(range(low, high + 1))
    except ValueError:
        raise PydanticCustomError("school_years", _MESSAGES["school_years"]) from None
    return sorted(years)


def _embed_origin(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    origin = normalise_origin(v)
    if origin is None:
        raise PydanticCustomError("origin", _MESSAGES["origin"])
    return origin


Number = Annotated[float, BeforeValidator(_number)]
Count = Annotated[int, BeforeValidator(_number), Field(ge=0)]
Percent = Annotated[float, BeforeValidator(_number), Field(ge=0, le=100)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Items = Annotated[list[str], BeforeValidator(_items)]
SchoolYears = Annotated[list[int], BeforeValidator(_school_years)]
EmbedOrigin = Annotated[str, BeforeValidator(_embed_origin)]  # https://www.kommun.se
Steps = Annotated[list[str], BeforeValidator(_items), Field(min_length=1)]  # a non-empty list
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[  # a web address with a host that has a dot: https://exempel.se/…
    str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s/.]+\.[^\s/]+(/\S*)?$")
]
Email = Annotated[str, BeforeValidator(_email)]  # namn@exempel.se, also förskolan.se
Phone = Annotated[str, BeforeValidator(_phone)]  # 08-123 456 78, +46 8 123 456 78
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
KommunCode = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
Year = Annotated[int, Field(ge=1990, le=2100)]  # a period of a figure
FoundedYear = Annotated[int, Field(ge=1800, le=2100)]
Latitude = Annotated[float, BeforeValidator(_number), Field(ge=55.0, le=69.1)]  # Sweden
Longitude = Annotated[float, BeforeValidator(_number), Field(ge=10.9, le=24.2)]

# pydantic's messages, and our own types', in the Swedish an administrator fixing a file will
# read (and, through the catalogue, the English of a back office page in English).
_MESSAGES: dict[str, Message] = {
    "missing": msg("värde saknas"),
    "float_parsing": msg("inte ett tal"),
    "int_parsing": msg("inte ett heltal"),
    "int_from_float": msg("inte ett heltal"),
    "bool_parsing": msg("skriv ja eller nej"),
    "date_from_datetime_parsing": msg("inte ett datum (ÅÅÅÅ-MM-DD)"),
    "date_parsing": msg("inte ett datum (ÅÅÅÅ-MM-DD)"),
    "string_pattern_mismatch": msg("fel format"),
    "string_too_short": msg("värde saknas"),
    "too_short": msg("värde saknas"),
    "greater_than_equal": msg("för litet"),
    "less_than_equal": msg("för stort"),
    "enum": msg("inte ett tillåtet värde"),
    "literal_error": msg("inte ett tillåtet värde"),
    "phone": msg("inte ett telefonnummer (skriv t.ex. 08-123 456 78)"),
    "email": msg("inte en e-postadress (skriv t.ex. namn@exempel.se)"),
    "school_years": msg("inte årskurser (skriv t.ex. F-6, 7-9 eller F-9)"),
    "origin": msg("inte en webbplats (skriv t.ex. https://www.kommun.se, utan sökväg)"),
}


def describe(error: dict[str, Any]) -> str:
    """One pydantic error as a short Swedish message with the offending value."""
    base: str = _MESSAGES.get(error["type"], error["msg"])
    ctx = error.get("ctx") or {}
    if error["type"] == "greater_than_equal":
        base = msg("måste vara minst %(min)s", min=ctx.get("ge"))
    elif error["type"] == "less_than_equal":
        base = msg("får vara högst %(max)s", max=ctx.get("le"))
    elif error["type"] in {"enum", "literal_error"} and "expected" in ctx:
        base = msg("tillåtna värden: %(values)s", values=ctx["expected"])
    value = error.get("input")
    if error["type"] != "missing" and isinstance(value, str | int | float):
        return msg("%(problem)s (fick '%(value)s')", problem=base, value=value)
    return base


class RuleError(ValueError):
    """A rule across fields of one row, raised from a model validator, naming its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def field_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, RuleError):
            out.append((cause.field, cause.message))
            continue
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        out.append((loc[0] if loc else None, describe(dict(err))))
    return out
