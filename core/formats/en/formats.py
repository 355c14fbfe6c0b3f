"""English as read in Sweden: day-month-year dates, 24-hour times, the week from Monday.

Django's own English formats are American (month first, "p.m."); these replace them on
English pages (settings.FORMAT_MODULE_PATH). Swedish keeps Django's Swedish formats.
"""

DATE_FORMAT = "j F Y"  # 23 November 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 23 November 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"  # 23 Nov 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# What forms accept: ISO first (what a date field of the browser sends), then day first;
# never month first.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-23
    "%d/%m/%Y",  # 23/11/2026
    "%d.%m.%Y",  # 23.11.2026
    "%d %b %Y",  # 23 Nov 2026
    "%d %B %Y",  # 23 November 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # what a datetime-local field of the browser sends
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
