"""Validators shared by the apps' models and forms."""

from django.core.exceptions import ValidationError


def validate_single_line(value):
    """Titles and names are email subjects and one-line labels: a line break in one (CR, LF or any other
    character Python splits lines on) would make an invalid email header."""
    if len(f"{value}x".splitlines()) > 1:
        raise ValidationError("Write this on a single line, without line breaks.", code="single_line")
