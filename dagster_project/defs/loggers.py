"""A terse progress logger for `influence refresh`: one line per step started, done or failed.

Runs started from the UI or the schedule do not configure it and keep Dagster's console logger
(`influence refresh --verbose` configures both).
"""

import logging
import time

import dagster as dg

from dagster_project.console import CONSOLE


class ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        step = event.step_key or ""
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            line = f"  > {step} ..."
        elif kind == "STEP_SUCCESS":
            took = time.monotonic() - self.started.get(step, time.monotonic())
            line = f"  ok {step} ({took:.1f} s)"
        elif kind == "STEP_FAILURE":
            line = f"  FAILED {step}"
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data.passed or data.asset_key.path[0] != "raw":
                return
            # a warning (records quarantined alone, a warning expectation) or an error (the
            # batch kept out, the load failed: the source is stale this run)
            level = "error" if data.severity == dg.AssetCheckSeverity.ERROR else "warning"
            line = (
                f"    check {data.check_name} on {data.asset_key.to_user_string()} failed ({level})"
            )
        else:
            return
        CONSOLE.line(line)


@dg.logger(
    config_schema={}, description="One line per step on stdout (used by `influence refresh`)."
)
def progress_logger(_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("influence.progress")
    log.setLevel(logging.DEBUG)
    log.handlers = [ProgressHandler()]
    log.propagate = False
    return log
