"""The installation's date and time formats (issue 12 item 10: one format everywhere).

Django's British English formats, with the 24-hour clock a clinic and a
theatre list use ("2 Dec 2026, 14:30", not "2:30 p.m."). Templates write
``{{ d|date }}`` and ``{{ t|date:"DATETIME_FORMAT" }}``, Python
``django.utils.formats.date_format``; nothing spells out its own format.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
