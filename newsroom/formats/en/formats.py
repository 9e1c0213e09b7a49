"""English date formats for the site and the admin, where they differ from Django's.

Django's English times end in "a.m."/"p.m.", so every sentence that ends with a time
("Scheduled for Dec. 3, 2026, 6:51 a.m..") got a double full stop. A 24-hour clock is
unambiguous on a news desk and never ends a sentence with a stop of its own.
"""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
