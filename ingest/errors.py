"""Errors that name the source and the page (or record) they concern.

Every message, and the detail or reason an error carries, is redacted when the error is made
(``ingest.redaction``): whatever prints, logs or stores an ingest error holds no secret.
"""

from __future__ import annotations

from ingest.redaction import redact


class IngestError(Exception):
    """Base class: every ingest failure says which source it comes from."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(redact(f"[{source}] {message}"))
        self.source = source


class MalformedPageError(IngestError):
    """A response body that is not what the API documents (not JSON, wrong shape)."""

    def __init__(self, source: str, page: str, reason: str) -> None:
        super().__init__(source, f"malformed page {page}: {reason}")
        self.page = redact(page)
        self.reason = redact(reason)


class SourceHTTPError(IngestError):
    """The API answered with an error status (after any retries)."""

    def __init__(self, source: str, page: str, status: int, detail: str) -> None:
        super().__init__(source, f"HTTP {status} for {page}: {detail}")
        self.page = redact(page)
        self.status = status
        self.detail = redact(detail)


class SourceAuthError(SourceHTTPError):
    """401/403: the credentials were refused. The message never contains the key itself."""


class SourceBlockedError(SourceHTTPError):
    """401/403 answered by a bot wall in front of the API (an HTML "Access Denied" page), not by
    the API: the request never reached the API, so no key would help."""


class SourceUnreachableError(IngestError):
    """The API could not be reached at all (DNS, refused connection, timeouts after retries)."""

    def __init__(self, source: str, page: str, reason: str) -> None:
        super().__init__(
            source,
            f"could not reach {page}: {reason}. No network? "
            "Build from the bundled sample instead: influence refresh --sample",
        )
        self.page = redact(page)
