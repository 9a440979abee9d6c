"""gunicorn's logger with resume tokens redacted from its access and error logs.

The access log line holds the request path, and /resume/<token>/ is a private key; gunicorn's
error log can quote the URI too ("Error handling request /resume/..."). Every handler gunicorn
sets up gets the same filter as Django's logging (config.log_redaction).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from config.log_redaction import RedactResumeTokens


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        redactor = RedactResumeTokens()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactResumeTokens) for f in handler.filters):
                    handler.addFilter(redactor)
