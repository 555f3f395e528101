"""Safe Markdown for the provider's own words.

Two layers, so a mistake in one is caught by the other: markdown-it-py parses CommonMark
with raw HTML off and with only the few constructs a presentation needs (paragraphs,
emphasis, lists, links), and nh3 (ammonia) then keeps only an allowlist of tags, `href`
with http, https or mailto, and puts rel="nofollow noopener" on every link. No images at
all, remote or not: an image would let a provider track readers and show anything.
"""

import re
from functools import cache
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

# CommonMark constructs that are written as plain text instead: headings, code, quotes and
# rules have no place in a presentation. Images are parsed but written as their alt text
# (below): `![x](url)` must never fetch anything, nor turn into a link.
_OFF = [
    "heading",
    "lheading",
    "code",
    "fence",
    "blockquote",
    "hr",
    "html_block",
    "html_inline",
    "backticks",
    "reference",
]


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(_OFF)
    md.add_render_rule("image", _image_as_text)
    return md


def _image_as_text(self, tokens, idx, options, env) -> str:
    return escapeHtml(tokens[idx].content)


def _only_href(tag: str, attribute: str, value: str) -> str | None:
    # nh3's `attributes` cannot turn off ammonia's generic ones (title, lang): drop them here.
    # The filter also sees the rel that link_rel sets, which must stay.
    if tag == "a" and (attribute == "href" or (attribute == "rel" and value == LINK_REL)):
        return value
    return None


def clean(html: str) -> str:
    """Keep only the allowlist; anything else is removed (script and style with content)."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_only_href,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str | None) -> Markup:
    """The provider's Markdown as HTML that is safe to put into a page."""
    if not text or not text.strip():
        return Markup("")
    return Markup(clean(_parser().render(text)))


_BLOCK_ENDS = re.compile(r"</p>|</li>|<br\s*/?>")
_ITEM = re.compile(r"<li>")


def plain_text(text: str | None) -> str:
    """The provider's Markdown as plain text, for formats that carry no markup (open data):
    paragraphs and list items on lines of their own, link texts without their addresses."""
    if not text or not text.strip():
        return ""
    html = _ITEM.sub("- ", _BLOCK_ENDS.sub("\n", render(text)))
    lines = (unescape(line).strip() for line in nh3.clean(html, tags=set()).split("\n"))
    return "\n".join(line for line in lines if line)
