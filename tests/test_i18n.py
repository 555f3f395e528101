"""Swedish is the source language; the English catalogue must translate every UI string."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from app import i18n

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
PO = APP / "translations" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "msg": None}  # app.messages.msg: the importer's messages


def ui_strings() -> set[str]:
    found = [
        *extract_from_dir(
            str(APP),
            method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords=KEYWORDS,
        ),
        *extract_from_dir(
            str(ROOT / "ingest"), method_map=[("**.py", "python")], keywords=KEYWORDS
        ),
    ]
    out: set[str] = set()
    for _filename, _lineno, message, _comments, _context in found:
        # A plural entry is filed under its singular; the check below covers both forms.
        out.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in out if m}


def test_every_ui_string_has_an_english_translation() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    missing = []
    for msgid in sorted(ui_strings()):
        entry = catalog.get(msgid)
        translated = (
            entry is not None
            and not entry.fuzzy
            and (any(entry.string) if isinstance(entry.string, tuple) else bool(entry.string))
        )
        if not translated:
            missing.append(msgid)
    assert not missing, "Untranslated (run `make translations`, then translate):\n" + "\n".join(
        missing
    )


def test_english_prefix_switches_language_and_links() -> None:
    token = i18n.current_lang.set("en")
    try:
        assert i18n.link("/taby/hemtjanst") == "/en/taby/hemtjanst"
        assert i18n.gettext("Hårda fakta") == "Hard facts"
    finally:
        i18n.current_lang.reset(token)
    assert i18n.link("/taby/hemtjanst") == "/taby/hemtjanst"
    assert i18n.gettext("Hårda fakta") == "Hårda fakta"
