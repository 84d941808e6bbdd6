"""Progress lines: to the Dagster event log (the UI) and to the `vardpuls` terminal logger (the CLI)."""

import logging
import sys

import dagster as dg

from pipelines.faults import checkpoint
from pipelines.privacy import scrub

terminal = logging.getLogger("vardpuls")


def report(
    context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext,
    message: str,
    warning: bool = False,
    detail: bool = False,
) -> None:
    """A line of progress: in the run's log always; on the terminal when it is a warning, a step's summary,
    or (``detail``: a file, a relation) when the CLI runs with --verbose."""
    message = scrub(message)  # (a second guard: every message is already built from masked values)
    (context.log.warning if warning else context.log.info)(message)
    terminal.log(logging.WARNING if warning else logging.DEBUG if detail else logging.INFO, message)
    checkpoint(message)


def show_on_terminal(level: int = logging.INFO) -> None:
    """Used by the CLI: one short timestamped line per step of progress (DEBUG: every detail too)."""
    terminal.setLevel(level)
    terminal.propagate = False
    if terminal.handlers:
        return
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", datefmt="%H:%M:%S"))
    terminal.addHandler(handler)


class _CurrentStderr(logging.Handler):
    """Writes to whatever sys.stderr is now (not the one at start-up), so redirection keeps working."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never break the refresh
            self.handleError(record)
