"""Test helpers for the charts: make learning examples in bulk, and read a chart's numbers back from its SVG
and from its table alternative the way a user (or a screen reader) meets them."""

import re
import xml.etree.ElementTree as ET
from itertools import count

from learning.models import LearningExample, Stage, State
from partnerships.models import Theme
from tests.html import parse_tables

SVG = "{http://www.w3.org/2000/svg}"
_numbers = count(1)


def add_examples(*specs):
    """Create examples in bulk: each spec a dict of partnership, themes (slugs), stage, state and any other
    fields (published_at, submitted_at, updated). `updated` is set after saving, as auto_now would overwrite it."""
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    examples = []
    for spec in specs:
        number = next(_numbers)
        state = spec.get("state", State.PUBLISHED)
        examples.append(
            LearningExample(
                title=spec.get("title", f"Example {number}"),
                slug=f"example-{number}",
                partnership=spec.get("partnership"),
                stage=spec.get("stage", Stage.IDEA),
                state=state,
                summary="A summary.",
                contact_name="Sam Contact",
                published_at=spec.get("published_at"),
                submitted_at=spec.get("submitted_at"),
            )
        )
    examples = LearningExample.objects.bulk_create(examples)
    Through = LearningExample.themes.through
    Through.objects.bulk_create(
        Through(learningexample_id=example.pk, theme_id=themes[slug].pk)
        for example, spec in zip(examples, specs, strict=True)
        for slug in spec.get("themes", ["independent-scrutiny"])
    )
    for example, spec in zip(examples, specs, strict=True):
        if "updated" in spec:
            LearningExample.objects.filter(pk=example.pk).update(updated=spec["updated"])
    return examples


def chart_svg(html, chart_id):
    """The chart's <svg> element, parsed as XML: fails unless it is well-formed."""
    match = re.search(rf'<svg xmlns="{SVG[1:-1]}"[^>]*aria-labelledby="{chart_id}-title .*?</svg>', html, re.S)
    assert match, f"no chart {chart_id} on the page"
    return ET.fromstring(match.group(0))  # noqa: S314 (the portal's own page, parsed in a test)


def svg_title(svg):
    return svg.find(f"{SVG}title").text


def bar_chart_numbers(svg, stacked):
    """[(label shown, {series: value}, total shown)] for each bar of a HorizontalBarChart, top to bottom."""
    bars = []
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "chart-bar":
            continue
        texts = {text.get("class"): text.text for text in group.iter(f"{SVG}text")}
        segments = {}
        for rect in group.iter(f"{SVG}rect"):
            described, value = rect.find(f"{SVG}title").text.rsplit(": ", 1)
            series = described.rsplit(", ", 1)[1] if stacked else "value"
            segments[series] = int(value)
        bars.append((texts["chart-label"], segments, int(texts["chart-value"])))
    return bars


def column_chart_numbers(svg):
    """[(label, value)] for each column of a ColumnChart, left to right (read from the drawn value and tick)."""
    columns = []
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "chart-column":
            continue
        texts = {text.get("class"): text.text for text in group.iter(f"{SVG}text")}
        (rect,) = group.iter(f"{SVG}rect")
        described, value = rect.find(f"{SVG}title").text.rsplit(": ", 1)
        assert described == texts["chart-tick"] and int(value) == int(texts["chart-value"])
        columns.append((texts["chart-tick"], int(value)))
    return columns


def chart_table(html, chart_title):
    """The chart's table alternative as {row heading: [numbers...]} (in order), found by its caption."""
    match = re.search(
        rf"<table[^>]*>\s*<caption[^>]*>{re.escape(chart_title)}: the figures</caption>.*?</table>", html, re.S
    )
    assert match, f"no table for {chart_title}"
    (table,) = parse_tables(match.group(0))
    headings = [cell["text"] for cell in table["thead"][0]]
    rows = {}
    for row in table["tbody"]:
        heading, *cells = row
        assert heading["tag"] == "th" and heading["scope"] == "row"
        rows[heading["text"]] = [int(cell["text"]) for cell in cells]
    return headings, rows


def same_label(shown, full):
    """A chart label may be shortened with an ellipsis to fit; the table and the rect's title have it in full."""
    return shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))
