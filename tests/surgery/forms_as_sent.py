"""What a browser would post for a page's form left untouched (to test "prefilled saves")."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.forms: list[list[tuple[str, str]]] = []
        self.data: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = True
            self.data = []
            self.forms.append(self.data)
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value") or "on"))
            elif kind not in ("file", "submit", "button"):
                self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected] or [
                v for v, _ in self.options[:1]
            ]
            if chosen:
                self.data.append((self.select, chosen[0]))
            self.select = None
        if tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea, self.text.lstrip("\n")))
            self.textarea = None


def untouched_form(html: str, containing: str) -> dict[str, list[str]]:
    """The first form of ``html`` with a field ``containing`` as posted unchanged."""
    reader = _FormReader()
    reader.feed(html)
    for data in reader.forms:
        posted: dict[str, list[str]] = {}
        for name, value in data:
            posted.setdefault(name, []).append(value)
        if containing in posted:
            return posted
    raise AssertionError(f"no form with a field {containing!r}")
