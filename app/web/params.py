"""Number parameters in page addresses take ASCII digits only.

`str.isdigit()` and `int()` accept other scripts' digits (`١٢`, `۵۹`, fullwidth `１`), and
`isdigit()` even superscripts (`²`) that `int()` then refuses. Our links only ever write
0-9, so a route names its number parameters here and anything else is the ordinary 400
page (app.web.errors), before any code reads the value.
"""

import re
from typing import Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

ASCII_NUMBER = re.compile(r"[0-9]{0,9}")  # empty means "not given"; 9 digits fit any int


def number_params(*names: str, prefix: str = "") -> Any:
    """A route dependency: the query parameters `names` (and any starting with `prefix`,
    e.g. `vikt-`) must be ASCII digits, `?sida=2` but not `?sida=٢`."""

    def check(request: Request) -> None:
        bad = [
            (name, value)
            for name, value in request.query_params.multi_items()
            if (name in names or (prefix and name.startswith(prefix)))
            and not ASCII_NUMBER.fullmatch(value.strip())
        ]
        if bad:
            raise RequestValidationError(
                [
                    {
                        "type": "ascii_digits",
                        "loc": ("query", name),
                        "msg": "Only the digits 0-9",
                        "input": value,
                    }
                    for name, value in bad
                ]
            )

    return Depends(check)


def has_control_characters(text: str) -> bool:
    return any((ord(c) < 32 and c not in "\t\n\r") or c == "\x7f" for c in text)


async def plain_address(request: Request) -> None:
    """An app-wide dependency: no control characters in the path or the query.

    No link of ours writes one, PostgreSQL refuses NUL in any text it is asked to compare,
    and a control character in a value read back into a page is only trouble; such an
    address is the ordinary 400 page, before any route reads it.
    """
    parts = [("path", request.url.path)] + [
        ("query", text) for pair in request.query_params.multi_items() for text in pair
    ]
    bad = [(where, text) for where, text in parts if has_control_characters(text)]
    if bad:
        raise RequestValidationError(
            [
                {"type": "control_character", "loc": (where,), "msg": "Control character"}
                for where, _ in bad
            ]
        )
