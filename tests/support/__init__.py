"""Test helpers shared across the suite: a local HTTP server for the fake APIs and a live
transport that never really waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.http import LiveTransport, NoRateLimit


@dataclass
class RecordingSleep:
    """A stand-in for ``time.sleep`` that records the delays asked of it and returns at once."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def quick_transport(**options: Any) -> tuple[LiveTransport, RecordingSleep]:
    """A ``LiveTransport`` for tests: no rate limiting, no jitter, sleeps recorded not slept,
    short timeouts. Keyword arguments override any of these."""
    sleep = RecordingSleep()
    settings: dict[str, Any] = {
        "rate_limiter": NoRateLimit(),
        "sleep": sleep,
        "jitter": lambda: 0.0,
        "timeout": (2.0, 5.0),
    }
    settings.update(options)
    transport = LiveTransport(**settings)
    # Local test servers only: ignore any proxy configured in the environment.
    transport.session.trust_env = False
    return transport, sleep
