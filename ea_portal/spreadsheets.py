"""CSV for spreadsheets: every CSV the portal writes passes its cells through `neutralise`."""

import re
import unicodedata

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
