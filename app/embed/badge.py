"""A static SVG badge: a provider's level summary for sites that allow no frames or scripts.

Every text is XML-escaped; widths are estimated from the characters (no font measuring at
request time), generous enough for the widest common glyphs.
"""

from xml.sax.saxutils import escape

from app.i18n import gettext as _
from app.level_summary import LevelSummary

NARROW = set("iljtfr.,:;'!|() ")
WIDE = set("mwMWÅÄÖåäö@%")
HEIGHT = 40
PAD = 8
COLOURS = {"good": "#0b6b3a", "approved": "#6b5000", "failed": "#a4161a", None: "#4a4a4a"}


def text_width(text: str, size: float = 12) -> int:
    units = sum(0.32 if c in NARROW else 0.9 if c in WIDE else 0.62 for c in text)
    return int(units * size) + 1


def render(name: str, summary: LevelSummary) -> str:
    t = summary.total
    if summary.has_levels:
        status = t.counts_text + (" — " + _("röd flagga") if summary.red_flag else "")
        if t.trend:
            status += f" · {t.arrow} {t.trend_label.lower()}"
    else:
        status = _("Kommunen har inga nivåer för måtten")
    title = _("Kommunens nivåer")
    left = text_width(title) + 2 * PAD
    right = max(text_width(name, 12), text_width(status, 11)) + 2 * PAD
    width = left + right
    colour = COLOURS[t.status if summary.has_levels else None]
    label = f"{name}: {title}: {status}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(label, {chr(34): "&quot;"})}">'
        f"<title>{escape(label)}</title>"
        f'<rect width="{width}" height="{HEIGHT}" fill="#fff" stroke="#1b1b1b"/>'
        f'<rect width="{left}" height="{HEIGHT}" fill="{colour}"/>'
        f'<text x="{PAD}" y="25" font-family="Verdana,DejaVu Sans,sans-serif" font-size="12" '
        f'fill="#fff" font-weight="bold">{escape(title)}</text>'
        f'<g font-family="Verdana,DejaVu Sans,sans-serif" fill="#1b1b1b">'
        f'<text x="{left + PAD}" y="16" font-size="12" font-weight="bold">{escape(name)}</text>'
        f'<text x="{left + PAD}" y="32" font-size="11">{escape(status)}</text></g></svg>'
    )
