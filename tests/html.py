"""Small helpers for reading rendered HTML the way a user (or a screen reader) would."""

from html.parser import HTMLParser


class _TableParser(HTMLParser):
    """Collects every table's cells as text, keeping whether each cell is a header and its scope."""

    def __init__(self):
        super().__init__()
        self.tables = []
        self._row = None
        self._cell = None
        self._section = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"thead": [], "tbody": [], "tfoot": []})
            self._section = "tbody"
        elif tag in {"thead", "tbody", "tfoot"}:
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = {"tag": tag, "scope": dict(attrs).get("scope"), "text": ""}

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None:
            self._cell["text"] = " ".join(self._cell["text"].split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][self._section].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def parse_tables(html):
    parser = _TableParser()
    parser.feed(html)
    return parser.tables


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html):
    parser = _TextParser()
    parser.feed(html if isinstance(html, str) else html.decode())
    return " ".join(" ".join(parser.parts).split())
