"""The pathological Markdown corpus (tests/data/markdown_corpus.json), for tests and benchmarks/markdown_corpus.py."""

import json
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "markdown_corpus.json"


def corpus_text(entry):
    pieces = []
    for part in entry["parts"]:
        if isinstance(part, dict):
            start = part.get("start", 0)
            pieces += [part["indent"] * n + part["line"] for n in range(start, start + part["lines"])]
        else:
            piece, times = part
            pieces.append(piece * times)
    return "".join(pieces)


def pathological_texts():
    """(name, text, whether a field must refuse it as nested too deeply when it fits the field's length limit)."""
    entries = json.loads(CORPUS.read_text(encoding="utf-8"))["texts"]
    return [(entry["name"], corpus_text(entry), entry.get("nesting", False)) for entry in entries]
