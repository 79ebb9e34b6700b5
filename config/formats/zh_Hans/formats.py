"""Dates as every page of the portal writes them: 2026-11-29 and 2026-11-29 07:27.

Django's own Chinese formats (2026年11月29日) are left to official documents, which set their
format where they print a date. A typed date may also be written 2026/11/29, 2026.11.29 or
2026年11月29日 (Django's own Chinese input format has "%n月%j日", which strptime cannot read).
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"]
