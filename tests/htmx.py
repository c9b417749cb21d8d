"""What htmx 2 does with a response's out-of-band parts, on a tiny DOM, for the tests.

`parse` reads HTML (the standard library's parser) into `Element`s; `apply_oob_swaps` applies
an answer to a page as htmx would: first the parts the requesting element's `hx-select-oob`
names, then every `hx-swap-oob` element, each with its swap style (`true` = outerHTML of its
namesake; `outerHTML`, `innerHTML`, `afterbegin`, `beforeend`, `beforebegin`, `afterend`,
`delete`, optionally `:selector`). As in htmx, an outerHTML swap puts the element itself in,
any other style its children, and the `hx-swap-oob` attribute is dropped. Unlike htmx, a swap
whose target is missing fails the test (the page would be out of date) and selectors are the
subset the pages use: tag, `#id`, `.class`, `[attr]`, `[attr='value']`, joined by ` ` or `>`.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
STYLES = {"outerHTML", "innerHTML", "afterbegin", "beforeend", "beforebegin", "afterend", "delete"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def elements(self) -> list[Element]:
        return [child for child in self.children if isinstance(child, Element)]

    def inner_html(self) -> str:
        return "".join(
            child.html() if isinstance(child, Element) else html.escape(child, quote=False)
            for child in self.children
        )

    def html(self) -> str:
        attrs = "".join(
            f" {name}" if value is None else f' {name}="{html.escape(value)}"'
            for name, value in self.attrs.items()
        )
        if self.tag in VOID:
            return f"<{self.tag}{attrs}>"
        return f"<{self.tag}{attrs}>{self.inner_html()}</{self.tag}>"

    def walk(self) -> Iterator[tuple[Element, list[Element]]]:
        """Every element below this one in document order, with its ancestors (nearest last)."""
        stack: list[tuple[Element, list[Element]]] = [(self, [])]
        while stack:
            element, ancestors = stack.pop()
            below = [*ancestors, element]
            for child in reversed(element.elements()):
                stack.append((child, below))
            if element is not self:
                yield element, ancestors

    def find_all(self, selector: str) -> list[Element]:
        steps = _parse_selector(selector)
        return [el for el, ancestors in self.walk() if _matches(el, ancestors, steps)]

    def find(self, selector: str) -> Element | None:
        found = self.find_all(selector)
        return found[0] if found else None

    def get(self, selector: str) -> Element:
        """The first element matching `selector`, which must be there."""
        found = self.find(selector)
        assert found is not None, f"nothing matches {selector!r}"
        return found

    def attr(self, name: str) -> str:
        """The value of the attribute `name`, which must be there with a value."""
        value = self.attrs.get(name)
        assert value is not None, f"<{self.tag}> has no {name} value"
        return value

    def parent_of(self, target: Element) -> Element:
        if any(child is target for child in self.children):
            return self
        for element, _ in self.walk():
            if any(child is target for child in element.children):
                return element
        raise AssertionError(f"<{target.tag}> is not on the page")


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse(text: str) -> Element:
    """The HTML as a tree under a `#document` element; unclosed elements fail the test."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], f"<{builder.stack[-1].tag}> is never closed"
    return builder.root


COMPOUND = re.compile(r"([a-z][a-z0-9]*)?((?:#[\w-]+|\.[\w-]+|\[[^\]]+\])*)")
PART = re.compile(r"#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:=['\"]?(.*?)['\"]?)?\]")


def _parse_selector(selector: str) -> list[tuple[str, str | None, list[tuple]]]:
    """[(combinator, tag, [(kind, name, value)...])...], the first combinator empty."""
    steps = []
    combinator = ""
    for token in selector.replace(">", " > ").split():
        if token == ">":
            combinator = ">"
            continue
        match = COMPOUND.fullmatch(token)
        assert match, f"selector {selector!r} is beyond this simulator"
        parts = [
            ("id", m.group(1), None)
            if m.group(1)
            else ("class", m.group(2), None)
            if m.group(2)
            else ("attr", m.group(3), m.group(4))
            for m in PART.finditer(match.group(2))
        ]
        steps.append((combinator or " ", match.group(1), parts))
        combinator = ""
    return steps


def _matches_compound(element: Element, tag: str | None, parts: list[tuple]) -> bool:
    if tag is not None and element.tag != tag:
        return False
    for kind, name, value in parts:
        if kind == "id" and element.attrs.get("id") != name:
            return False
        if kind == "class" and name not in (element.attrs.get("class") or "").split():
            return False
        if kind == "attr" and (
            name not in element.attrs or (value is not None and element.attrs[name] != value)
        ):
            return False
    return True


def _matches(element: Element, ancestors: list[Element], steps: list) -> bool:
    *before, (combinator, tag, parts) = steps
    if not _matches_compound(element, tag, parts):
        return False
    if not before:
        return True
    if combinator == ">":
        return bool(ancestors) and _matches(ancestors[-1], ancestors[:-1], before)
    return any(_matches(ancestors[i], ancestors[:i], before) for i in range(len(ancestors)))


def _oob_swap(page: Element, element: Element, value: str) -> None:
    """htmx's oobSwap: the element (outerHTML) or its children swapped into each target."""
    selector, style = f"#{element.attrs.get('id')}", "outerHTML"
    if value == "true":
        pass
    elif ":" in value:
        style, selector = value.split(":", 1)
    else:
        style = value
    assert style in STYLES, f"hx-swap-oob style {style!r}"
    element.attrs.pop("hx-swap-oob", None)
    targets = page.find_all(selector)
    assert targets, f"out-of-band {style} of {selector}, which is not on the page"
    for target in targets:
        clone = copy.deepcopy(element)
        content: list[Element | str] = [clone] if style == "outerHTML" else clone.children
        if style == "innerHTML":
            target.children = content
        elif style == "afterbegin":
            target.children[:0] = content
        elif style == "beforeend":
            target.children.extend(content)
        else:
            parent = page.parent_of(target)
            at = next(i for i, child in enumerate(parent.children) if child is target)
            if style in ("outerHTML", "delete"):
                parent.children[at : at + 1] = [] if style == "delete" else content
            elif style == "beforebegin":
                parent.children[at:at] = content
            else:
                parent.children[at + 1 : at + 1] = content


def _remove(root: Element, element: Element) -> None:
    parent = root.parent_of(element)
    parent.children = [child for child in parent.children if child is not element]


def apply_oob_swaps(page: Element, answer: str, *, select_oob: str = "") -> Element:
    """Apply `answer`'s out-of-band parts to `page` as htmx 2 does, the requesting element
    having `hx-select-oob=select_oob`; returns what is left of the answer (what htmx would
    swap into the request's own target)."""
    fragment = parse(answer)
    for wanted in filter(None, (part.strip() for part in select_oob.split(","))):
        name, _, style = wanted.partition(":")
        selected = fragment.find(f"#{name.lstrip('#')}")
        if selected is not None:
            _oob_swap(page, selected, style or "true")
            _remove(fragment, selected)
    for element in fragment.find_all("[hx-swap-oob]"):
        assert not element.find_all("[hx-swap-oob]"), "nested out-of-band swaps"
        _oob_swap(page, element, element.attr("hx-swap-oob"))
        _remove(fragment, element)
    return fragment
