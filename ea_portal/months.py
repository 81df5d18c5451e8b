"""Calendar months in the portal's time zone (Europe/London): the dashboard's monthly charts and the lists their
columns open count the same months, so a column and the list behind it hold the same rows."""

from datetime import date, datetime, time

from django import forms
from django.utils import timezone


def next_month(first_day):
    return date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)


def start_of(day):
    """Midnight at the start of a day in the portal's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_bounds(month):
    """The moments a month starts and the next one starts: a row is in the month if start <= moment < end."""
    first = month.replace(day=1)
    return start_of(first), start_of(next_month(first))


def month_param(month):
    """A month as the lists' URLs carry it, e.g. 2026-03."""
    return f"{month:%Y-%m}"


class MonthField(forms.DateField):
    """A calendar month typed or linked as YYYY-MM (what <input type="month"> sends); cleans to its first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_error_messages = {"invalid": "Enter a month as year and month, e.g. 2026-03."}
