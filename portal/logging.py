"""Logging filters of the portal."""

import logging


class NoTracebackFor4xx(logging.Filter):
    """Drop the traceback Django attaches to a refused request (403 Permission denied, 400
    bad request): it is an ordinary answer, and the traceback buried real errors in the
    terminal. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
