"""A tiny HTML reader for page tests (stdlib only): find elements by id, class or tag and read
their whitespace-normalised text, attributes and table rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, id: str | None = None, cls: str | None = None) -> list[Element]:
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag) and (id is None or el.attrs.get("id") == id) and (cls is None or cls in el.classes)
        ]

    def find(self, tag: str | None = None, *, id: str | None = None, cls: str | None = None) -> Element:
        found = self.find_all(tag, id=id, cls=cls)
        if not found:
            raise AssertionError(f"no <{tag or '*'}> with id={id!r} cls={cls!r}")
        return found[0]

    def rows(self) -> list[list[str]]:
        """Cell texts of each body row of the tables inside this element."""
        return [
            [cell.text for cell in tr.children if isinstance(cell, Element) and cell.tag in ("td", "th")]
            for tbody in self.find_all("tbody")
            for tr in tbody.find_all("tr")
        ]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(content: bytes | str) -> Element:
    builder = _TreeBuilder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root


def messages(content: bytes | str) -> list[str]:
    """The flash messages shown on a page."""
    return [li.text for li in parse(content).find_all("li", cls="msg")]
