"""Moments as the portal writes them in text: UK time, the way a UK reader writes a date."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def uk_time(value: datetime) -> str:
    """e.g. "7 July 2005, 09:47", in UK time."""
    return date_format(timezone.localtime(value), "j F Y, H:i")


def uk_date(value: datetime) -> str:
    """e.g. "7 July 2005": the day, in UK time, of the moment `value`."""
    return date_format(timezone.localtime(value), "j F Y")
