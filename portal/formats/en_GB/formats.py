"""The portal's own date and time formats for en-GB, ahead of Django's (FORMAT_MODULE_PATH).

Django's en-GB formats write times as "2:30 p.m."; the portal writes every time on the
24-hour clock ("14:30"), as its own pages, emails and portal.formats.uk_time do.
"""

DATE_FORMAT = "j F Y"  # 7 July 2005
TIME_FORMAT = "H:i"  # 09:47
DATETIME_FORMAT = "j F Y, H:i"  # 7 July 2005, 09:47
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 07/07/2005 09:47
