"""Reading pages in tests: find an element by id, its text and links, with the standard
library's HTML parser (no page wording involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


@dataclass
class Element:
    """One element of a page: its whole markup, its text (spaces squeezed) and its links."""

    html: str
    text: str
    links: list[str] = field(default_factory=list)


class _ElementFinder(HTMLParser):
    def __init__(self, source: str, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.element_id = element_id
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.depth = 0
        self.start: int | None = None
        self.end: int | None = None
        self.text: list[str] = []
        self.links: list[str] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.end is not None:
            return
        values = dict(attrs)
        if self.depth:
            if tag == "a" and values.get("href"):
                self.links.append(values["href"] or "")
            if tag not in VOID_TAGS:
                self.depth += 1
        elif self.start is None and values.get("id") == self.element_id:
            self.start = self._offset()
            if tag in VOID_TAGS:
                self.end = self.source.index(">", self.start) + 1
            else:
                self.depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.depth and tag not in VOID_TAGS:
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID_TAGS:
            self.depth -= 1
            if not self.depth:
                self.end = self.source.index(">", self._offset()) + 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def element(html: str, element_id: str) -> Element | None:
    """The element with ``id`` in ``html``, or ``None`` when the page has none."""
    finder = _ElementFinder(html, element_id)
    finder.feed(html)
    finder.close()
    if finder.start is None:
        return None
    end = finder.end if finder.end is not None else len(html)
    return Element(html=html[finder.start : end], text=" ".join("".join(finder.text).split()), links=finder.links)


def linked_pks(html: str, prefix: str) -> set[int]:
    """The ids in links ``<prefix><id>/`` of ``html`` (the rows of a list, say)."""
    return {int(pk) for pk in re.findall(rf'href="{re.escape(prefix)}(\d+)/"', html)}
