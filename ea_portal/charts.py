"""Server-rendered SVG charts: no chart library in the browser, no script, nothing the CSP must allow.

Every chart carries a <title> and a text description for screen readers, and the template that draws it
puts the same numbers in a table beside it. The figures are computed by the caller (in the database); this
module only lays them out.
"""

from dataclasses import dataclass, field


def coordinate(value):
    """An SVG coordinate to one decimal place, as text: what the templates draw without a filter per number
    (floatformat's Decimal arithmetic was the dashboard's largest rendering cost), never localised."""
    return f"{value:.1f}"


# Colours with at least 3:1 contrast against white and against each other's neighbours, told apart by
# the legend's labels too, never by colour alone.
SERIES_COLOURS = ["#4b2a6e", "#0a58ca", "#1d6b2f", "#a4410e", "#6c757d", "#8a1c4a"]


@dataclass
class Category:
    label: str
    values: list  # one number per series
    url: str = ""

    @property
    def total(self):
        return sum(self.values)


@dataclass
class Segment:
    x: str
    width: str
    value: int
    series: str
    colour: str


@dataclass
class Bar:
    category: Category
    y: float
    label_y: str
    segments: list
    total_x: str


@dataclass
class HorizontalBarChart:
    """Horizontal bars, one per category, stacked by series (a single series draws plain bars)."""

    chart_id: str
    title: str
    description: str
    series: list
    categories: list = field(default_factory=list)
    value_label: str = "Number"
    category_heading: str = "Theme"
    csv_url: str = ""

    label_width = 380  # fits a 44-character label (longer ones are shortened) at the chart's font size
    plot_width = 420
    bar_height = 22
    gap = 10
    top = 10
    bottom_axis = 30

    @property
    def maximum(self):
        return max((category.total for category in self.categories), default=0)

    @property
    def width(self):
        return self.label_width + self.plot_width + 60

    @property
    def height(self):
        return self.top + len(self.categories) * (self.bar_height + self.gap) + self.bottom_axis

    @property
    def axis_y(self):
        return self.height - self.bottom_axis + 4

    @property
    def colours(self):
        return [(name, SERIES_COLOURS[index % len(SERIES_COLOURS)]) for index, name in enumerate(self.series)]

    @property
    def stacked(self):
        return len(self.series) > 1

    def table_headings(self):
        """The headings of the table alternative (and of the chart's CSV download)."""
        if self.stacked:
            return [self.category_heading, *self.series, "Total"]
        return [self.category_heading, self.value_label]

    def table_rows(self):
        if self.stacked:
            return [[category.label, *category.values, category.total] for category in self.categories]
        return [[category.label, category.total] for category in self.categories]

    def bars(self):
        scale = self.plot_width / self.maximum if self.maximum else 0
        bars = []
        for index, category in enumerate(self.categories):
            y = self.top + index * (self.bar_height + self.gap)
            x = self.label_width
            segments = []
            for (name, colour), value in zip(self.colours, category.values, strict=True):
                width = value * scale
                if value:
                    segments.append(Segment(coordinate(x), coordinate(width), value, name, colour))
                x += width
            bars.append(Bar(category, y, coordinate(y + self.bar_height * 0.7), segments, coordinate(x + 6)))
        return bars

    def ticks(self):
        """About five evenly spaced whole-number ticks along the value axis."""
        if not self.maximum:
            return [(coordinate(self.label_width), 0)]
        step = max(1, round(self.maximum / 5))
        scale = self.plot_width / self.maximum
        return [(coordinate(self.label_width + value * scale), value) for value in range(0, self.maximum + 1, step)]


@dataclass
class ColumnChart:
    """Vertical columns over time (e.g. per month), one series."""

    chart_id: str
    title: str
    description: str
    categories: list = field(default_factory=list)  # Category with a single value each
    value_label: str = "Number"
    category_heading: str = "Month"
    csv_url: str = ""

    plot_height = 200
    column_width = 28
    gap = 8
    # Room for the month labels, slanted down to the left from under the first column, and for the value
    # written above the tallest column.
    left = 60
    top = 24

    @property
    def maximum(self):
        return max((category.total for category in self.categories), default=0)

    @property
    def width(self):
        return self.left + max(1, len(self.categories)) * (self.column_width + self.gap) + 10

    @property
    def height(self):
        return self.top + self.plot_height + 70

    @property
    def baseline(self):
        return self.top + self.plot_height

    def table_headings(self):
        return [self.category_heading, self.value_label]

    def table_rows(self):
        return [[category.label, category.total] for category in self.categories]

    def columns(self):
        scale = self.plot_height / self.maximum if self.maximum else 0
        columns = []
        for index, category in enumerate(self.categories):
            height = category.total * scale
            x = self.left + index * (self.column_width + self.gap)
            columns.append(
                {
                    "category": category,
                    "x": x,
                    "y": coordinate(self.baseline - height),
                    "height": coordinate(height),
                    "label_x": x + self.column_width / 2,
                    "value_y": coordinate(self.baseline - height - 4),
                }
            )
        return columns
