"""Messages written in Swedish below the web layer (the importer's), which a page in another
language can translate.

`msg("okänd kommun '%(code)s'", code=x)` is the Swedish text itself, a str, just as the
command line prints it, that also keeps its template and values. A page looks the template
up in its catalogue (app.i18n.in_current_lang; `make translations` extracts every `msg`
call) and fills in the values, translating any value that is itself a Message. A plain str
stays Swedish wherever it is shown.
"""

from typing import Any


class Message(str):
    """Swedish text that remembers how it was made."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any]) -> "Message":
        self = super().__new__(cls, template % params if params else template)
        self.template = template
        self.params = params
        return self

    def __getnewargs__(self) -> tuple[str, dict[str, Any]]:  # type: ignore[override]
        return self.template, self.params  # for pickle and copy, which call __new__ with them


def msg(template: str, /, **params: Any) -> Message:
    """A message; `template` uses %(name)s placeholders filled from `params`."""
    return Message(template, params)
