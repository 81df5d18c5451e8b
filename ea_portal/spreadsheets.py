"""CSV for spreadsheets: every CSV the portal writes is a `csv_response`, which passes its cells through
`neutralise`."""

import csv

from django.http import StreamingHttpResponse

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection): people's names,
# titles and organisations are user text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text, with a leading apostrophe if a spreadsheet would otherwise run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A write-only file for csv.writer: each row is handed straight back, to be streamed."""

    def write(self, value):
        return value


def csv_response(filename, rows):
    """Every CSV download on the portal: `rows` (the heading row first; any iterable, read as it streams) with
    every cell neutralised, as an attachment called `filename`."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([neutralise(value) for value in row]) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
