"""CSV for spreadsheets: every CSV the portal writes passes its cells through `neutralise`."""

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection): people's names,
# titles and organisations are user text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text, with a leading apostrophe if a spreadsheet would otherwise run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
