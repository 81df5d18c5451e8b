"""How long the pathological Markdown of tests/data/markdown_corpus.json takes to check and render, each text cut to
the longest any form accepts (markdown.LONG_MARKDOWN_LENGTH): the target is under 100 ms a text.

    .venv/bin/python benchmarks/markdown_corpus.py [--repeat 5]

Prints, for each text, the best of --repeat runs (CPU time) of rendering it alone, and of what a save does
(validation, then rendering from the same parse), slowest last.
"""

import argparse
import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.core.exceptions import ValidationError  # noqa: E402

from ea_portal import markdown  # noqa: E402
from tests.markdown_data import pathological_texts  # noqa: E402


def best_of(repeat, work):
    times = []
    for _ in range(repeat):
        markdown.parsed.cache_clear()
        # CPU time, not wall time: on a shared machine waiting for a core is not the renderer's work.
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times) * 1000


def save(text):
    with contextlib.suppress(ValidationError):  # refused for its nesting: the check's time still counts
        markdown.validate_markdown_nesting(text)
        markdown.render_markdown(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = []
    for name, text, _ in pathological_texts():
        accepted = text[: markdown.LONG_MARKDOWN_LENGTH]
        render = best_of(args.repeat, lambda accepted=accepted: markdown.render_markdown(accepted))
        saving = best_of(args.repeat, lambda accepted=accepted: save(accepted))
        results.append((render, saving, name, len(accepted)))
    results.sort()
    for render, saving, name, length in results:
        print(f"{render:7.1f} ms render {saving:7.1f} ms check and render {length:6} chars  {name}")
    slowest_save = max(saving for _, saving, _, _ in results)
    print(f"{len(results)} texts; slowest render {results[-1][0]:.1f} ms, slowest save {slowest_save:.1f} ms")


if __name__ == "__main__":
    main()
