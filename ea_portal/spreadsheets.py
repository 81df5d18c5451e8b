"""CSV for spreadsheets: every CSV the portal writes is a `csv_response`, which passes its cells through
`neutralise`."""

import csv
import re
import unicodedata

from django.http import StreamingHttpResponse

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection): people's names,
# titles and organisations are user text.
FORMULA_PREFIXES = ("=", "+", "-", "@")
# Spaces, line breaks and control characters: some spreadsheets skip them before looking for a formula, and a
# tab or line break at the start of a cell can start a new cell or row on its own.
LEADING_BLANKS = re.compile(r"^[\s\x00-\x1f\x7f-\x9f]+")


def neutralise(value):
    """The cell as text, with a leading apostrophe if a spreadsheet might otherwise run it as a formula.

    The check is made on the NFKC form of the text (spreadsheets read a full-width `＝` as `=`), after any
    leading blanks; a cell starting with a control character (tab, CR, LF, ...) is neutralised whatever follows."""
    text = "" if value is None else str(value)
    normalised = unicodedata.normalize("NFKC", text)
    starts_with_control = bool(normalised) and unicodedata.category(normalised[0]) == "Cc"
    formula = LEADING_BLANKS.sub("", normalised).startswith(FORMULA_PREFIXES)
    return f"'{text}" if starts_with_control or formula else text


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
