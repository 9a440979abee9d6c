"""Keep private resume tokens and what people search for out of every log line.

A resume link (``/resume/<token>/``) is the only key to a firm's assessment, so it must never
reach a log file, a log shipper or a backup of either, however its path is spelt (Django routes
``/%72esume/<token>/`` to the same view). What an advisor types into a search (``?q=`` a firm's
name) is personal to a firm too, and has no use in a log (security review F17, F19). The filter
rewrites each record's message (after %-formatting) and is installed on the console handler of
Django's LOGGING and on gunicorn's access and error logs (config/gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# "/resume/" with any of its letters percent-encoded, as the URL resolver decodes them.
_RESUME = "".join(f"(?:{c}|%{ord(c):02x})" for c in "resume")
# The token is whatever follows /resume/ up to the next slash, query, space or quote; the
# paste form (/resume/) has nothing after it and is left alone.
_RESUME_TOKEN = re.compile(rf"(/{_RESUME}/)[^/?#\s\"']+", re.IGNORECASE)
# Query parameters that carry what a person typed about a firm: searches and addresses.
_PERSONAL_QUERY = re.compile(r"([?&](?:q|email|company_name)=)[^&#\s\"']*")


def redact(text: str) -> str:
    """``text`` with every resume token and personal query value replaced by ``[redacted]``."""
    text = _RESUME_TOKEN.sub(rf"\g<1>{REDACTED}", text)
    return _PERSONAL_QUERY.sub(rf"\g<1>{REDACTED}", text)


class RedactResumeTokens(logging.Filter):
    """A logging filter that redacts resume tokens; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the formatter
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # A traceback can quote the path too: format it here (the formatter reuses exc_text).
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
