"""Secrets never leave the process: every text that leaves ``ingest`` goes through ``redact``.

A secret setting (``LDA_API_KEY``, and a password written into an API URL setting) is registered
where it is read (``ingest.config.load_settings``) and where it is handed to a transport
(``ingest.http.LiveTransport``). From then on ``redact`` replaces it with a fixed marker
(``[LDA_API_KEY]``) in any text. It is applied where errors are made and where they are recorded:

- ``ingest.errors.IngestError`` redacts its message (and the detail or reason it carries), so a
  malformed-page error quoting a body that echoes the key, or an HTTP error's detail, holds the
  marker, whatever printed, logged or stored it afterwards (Dagster's run storage, the CLI);
- ``ingest.landing`` redacts what it writes to ``audit.load_ledger``, ``audit.quarantine`` and the
  raw tables (a record that echoes the key is kept as fetched except for the key);
- ``ingest.http.LiveTransport`` redacts what it logs.

The registry is process-wide because errors are made and recorded by code that never sees the
settings (a parser, the ledger). It only grows while the process runs: a secret once registered
stays redacted.
"""

from __future__ import annotations

import threading
from urllib.parse import quote

# The settings that are secrets, and the marker that replaces each value
SECRET_SETTINGS: dict[str, str] = {"LDA_API_KEY": "[LDA_API_KEY]"}

_lock = threading.Lock()
_secrets: dict[str, str] = {}  # a secret's text (as sent, and as it appears quoted) -> marker
# the same, the longest first (a form containing another is replaced whole); rebuilt on register
_ordered: tuple[tuple[str, str], ...] = ()


def marker(name: str) -> str:
    """The text that stands for the secret setting ``name`` in messages and stored errors."""
    return SECRET_SETTINGS.get(name, f"[{name}]")


def register_secret(name: str, value: str | None) -> None:
    """Redact ``value`` (the secret setting ``name``) from every text ``redact`` sees from now on.

    Besides the value itself, its forms in a URL (percent-encoded) and in a Python ``repr``
    (escaped) are redacted too, should a library quote it that way.
    """
    global _ordered
    if not value or not value.strip():
        return  # whitespace alone hides nothing (and replacing every line break would garble)
    forms = {value, value.strip(), quote(value, safe=""), repr(value)[1:-1]}
    with _lock:
        for form in forms:
            if form:
                _secrets[form] = marker(name)
        _ordered = tuple(sorted(_secrets.items(), key=lambda item: len(item[0]), reverse=True))


def forget_secrets() -> None:
    """Forget every registered secret (the test suite does, after each test, so that one test's
    key does not redact another test's text)."""
    global _ordered
    with _lock:
        _secrets.clear()
        _ordered = ()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by its marker."""
    forms = _ordered  # one consistent snapshot, read without the lock
    if not forms or not text:
        return text
    for form, mark in forms:
        if form in text:
            text = text.replace(form, mark)
    return text


def redact_optional(text: str | None) -> str | None:
    return None if text is None else redact(text)
