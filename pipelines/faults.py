"""Fault injection for the crash tests: kill the process at a numbered checkpoint.

Every progress line (pipelines/progress.py) and the steps of publishing are checkpoints. With
``VARDPULS_KILL_AT=N`` in the environment the process sends itself SIGKILL at the N-th checkpoint,
as a power cut or the out-of-memory killer would; with ``VARDPULS_CHECKPOINT_LOG=<file>`` every
checkpoint is appended to that file (number and label), so a test can choose points spread over
every stage. With ``VARDPULS_PAUSE_AT=N`` and ``VARDPULS_PAUSE_FILE=<file>`` the process writes the
N-th checkpoint's label to that file and waits until the file is removed (at most ten minutes), so a
test can start another refresh at that very point. Without these variables a checkpoint does nothing.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

KILL_AT = "VARDPULS_KILL_AT"
CHECKPOINT_LOG = "VARDPULS_CHECKPOINT_LOG"
PAUSE_AT, PAUSE_FILE = "VARDPULS_PAUSE_AT", "VARDPULS_PAUSE_FILE"
PAUSE_LIMIT_S = 600
_passed = 0


def checkpoint(label: str) -> None:
    global _passed
    kill_at, log, pause_at = os.environ.get(KILL_AT), os.environ.get(CHECKPOINT_LOG), os.environ.get(PAUSE_AT)
    if not kill_at and not log and not pause_at:
        return
    _passed += 1
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{_passed}\t{label}\n")
    if kill_at and _passed == int(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)
    if pause_at and _passed == int(pause_at):
        _pause(Path(os.environ[PAUSE_FILE]), label)


def _pause(marker: Path, label: str) -> None:
    """Say where the process stands (the marker file) and wait until the marker is removed."""
    marker.write_text(f"{_passed}\t{label}\n", encoding="utf-8")
    waited = 0.0
    while marker.exists() and waited < PAUSE_LIMIT_S:
        time.sleep(0.05)
        waited += 0.05
