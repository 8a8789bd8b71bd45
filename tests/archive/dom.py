"""A page's elements as a small tree (the standard library's parser), to read what a built
page shows: ``find(root, "li", "actas-cited")`` is every ``li`` with that class, in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("document", {})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        open_element: Element | None = self.current
        while open_element is not None and open_element.tag != tag:
            open_element = open_element.parent
        if open_element is not None and open_element.parent is not None:
            self.current = open_element.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: str) -> Element:
    tree = _Tree()
    tree.feed(page)
    return tree.root


def find(root: Element, tag: str, class_name: str | None = None) -> list[Element]:
    """Every element under ``root`` with this tag (and class), in document order."""
    found = []
    for child in root.elements():
        if child.tag == tag and (class_name is None or class_name in child.classes()):
            found.append(child)
        found.extend(find(child, tag, class_name))
    return found


def order(root: Element) -> list[Element]:
    """Every element under ``root`` in document order."""
    return [e for child in root.elements() for e in (child, *order(child))]
