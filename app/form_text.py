"""Text people type or paste into a form, as the services store it: one rule for every form.

Control characters are invisible when pasted, mean nothing on a page, and PostgreSQL refuses
NUL in text (approving such a draft was a 500 there), so they are dropped, as the kommun's
files refuse them (ingest/tabular.py).
"""

import re

# C0 controls but tab and line feed (carriage returns become line feeds first), and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(text: str | None) -> str:
    """Line ends as LF, control characters dropped, outer blanks removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).strip()


def one_line(text: str | None) -> str:
    """plain_text with every run of blanks, tabs and line ends as one space."""
    return " ".join(plain_text(text).split())
