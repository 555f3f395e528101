"""A small HTML reader for tests: enough of a DOM to read pages and tables the way a
screen reader would (tags, attributes, text), without a browser."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        # Only ASCII white space: the no-break space in "85 %" is part of what is shown.
        return re.sub(r"[ \t\r\n\f]+", " ", " ".join(parts)).strip()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        out = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and all(
                    c.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()
                ):
                    out.append(c)
                out.extend(c.all(tag, **attrs))
        return out

    def first(self, tag: str | None = None, **attrs: str) -> "Node":
        found = self.all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def with_class(self, name: str) -> list["Node"]:
        return [n for n in self.all() if name in n.classes]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def dom(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    return b.root
