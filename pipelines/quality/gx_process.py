"""Great Expectations in a process of its own, started early: the audit's verdicts and the Data Docs.

Importing Great Expectations takes about three seconds of one core (its own modules, SciPy, SQLAlchemy's ORM),
which a region's next night paid on its critical path. Here GX lives in one child process (``python -m
pipelines.quality.gx_process``: a fresh interpreter, nothing of DuckDB's threads inherited): :func:`warm` starts it
at the beginning of a refresh, so the import runs on the other core while the sources load; the audit's frames of
value combinations and the Data Docs' outcomes go to it pickled through its standard input, and its answers come
back as plain data on its standard output (anything it prints goes to standard error). Anything that asks before
:func:`warm` starts it on first use, as the in-process import did. The process ends with the one that started
it (it stops when its pipe closes), and a process that died is started again on the next request.

API::

    warm() -> None
    judge(name, rules, frame) -> list[Verdict]     # GX's ValidationDefinition on a pandas frame
    write_docs(outcomes, folder) -> Path          # pipelines.quality.docs.write_data_docs, outcomes added up
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import NamedTuple

# a fresh GX context after this many validations: GX keeps every suite and definition it was given in memory
REQUESTS_PER_CONTEXT = 500


class Verdict(NamedTuple):
    """One expectation's result on a frame: its rule, whether it passed, the frame's indices of the rows that broke
    it, and the message when GX could not evaluate it."""

    rule: str
    success: bool
    unexpected_index_list: list[int]
    error: str | None


class GreatExpectationsFailed(RuntimeError):
    """Great Expectations' process failed a request or ended unexpectedly."""


_lock = threading.Lock()
_process: subprocess.Popen | None = None


def warm() -> None:
    """Start the process (if it is not running), without waiting for it."""
    with _lock:
        _ensure()


def judge(name: str, rules: list, frame) -> list[Verdict]:
    """GX's verdicts of ``rules`` (pipelines.quality.suites.Rule) on ``frame``, one per rule, in order."""
    return _ask("judge", name, rules, frame)


def write_docs(outcomes: list, folder: Path) -> Path:
    """The Data Docs of ``outcomes`` (pipelines.quality.runner.SuiteOutcome, from pipelines.quality.audit.outcome_of)
    written under ``folder``; the path of their index.html."""
    return _ask("docs", outcomes, Path(folder))


def _ensure() -> subprocess.Popen:
    global _process
    if _process is None or _process.poll() is not None:
        _process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True
        )
    return _process


def _ask(kind: str, *args):
    with _lock:
        process = _ensure()
        try:
            pickle.dump((kind, args), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
            status, answer = pickle.load(process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            process.kill()
            raise GreatExpectationsFailed(
                f"Great Expectations' process ended unexpectedly (exit code {process.wait()}) during a {kind} "
                "request; the next request starts it again"
            ) from None
    if status != "ok":
        raise GreatExpectationsFailed(f"Great Expectations failed a {kind} request:\n{answer}")
    return answer


# ------------------------------------------------------------------------------------------ in the child


def _serve(requests, answers) -> None:
    from pipelines.quality.runner import gx_context  # (sets GX_ANALYTICS_ENABLED before GX is imported)

    state = {"context": None, "source": None, "requests": 0}
    while True:
        try:
            kind, args = pickle.load(requests)
        except EOFError:  # the process that started this one is gone
            return
        try:
            if kind == "judge":
                if state["context"] is None or state["requests"] >= REQUESTS_PER_CONTEXT:
                    state["context"] = gx_context()
                    state["source"] = state["context"].data_sources.add_pandas("vardpuls")
                    state["requests"] = 0
                state["requests"] += 1
                answer = ("ok", _judge(state["context"], state["source"], f"{args[0]} #{state['requests']}", *args[1:]))
            elif kind == "docs":
                answer = ("ok", _docs(*args))
            else:
                raise ValueError(f"unknown request {kind!r}")
        except Exception:
            answer = ("error", traceback.format_exc())
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


def _judge(context, source, name: str, rules: list, frame) -> list[Verdict]:
    import great_expectations as gx

    from pipelines.quality.runner import RESULT_FORMAT

    batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("values")
    expectations = context.suites.add(gx.ExpectationSuite(name=name, expectations=[r.expectation() for r in rules]))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=expectations))
    outcome = definition.run(batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT)
    verdicts = []
    for result in outcome.results:
        verdicts.append(
            Verdict(
                rule=result.expectation_config.meta["rule"],
                success=bool(result.success),
                unexpected_index_list=list((result.result or {}).get("unexpected_index_list") or []),
                error=_error_of(result.exception_info or {}),
            )
        )
    return verdicts


def _error_of(info: dict) -> str | None:
    """The message of what GX raised: its exception_info is flat, or one entry per metric that could not be
    computed (a column the frame lacks)."""
    found = [info] + [entry for entry in info.values() if isinstance(entry, dict)]
    messages = [str(entry.get("exception_message") or "error") for entry in found if entry.get("raised_exception")]
    return "; ".join(dict.fromkeys(messages)) if messages else None


def _docs(outcomes: list, folder: Path) -> Path:
    from pipelines.quality.docs import gx_result, write_data_docs

    for outcome in outcomes:
        outcome.gx_result = gx_result(outcome)
    return write_data_docs(outcomes, folder)


def _first_validation() -> None:
    """Import Great Expectations and validate one small frame: its first validation loads more of it."""
    import great_expectations as gx
    import pandas as pd

    from pipelines.quality.runner import gx_context

    context = gx_context()
    batch = (
        context.data_sources.add_pandas("warm").add_dataframe_asset("warm").add_batch_definition_whole_dataframe("b")
    )
    suite = context.suites.add(
        gx.ExpectationSuite("warm", expectations=[gx.expectations.ExpectColumnValuesToNotBeNull(column="x")])
    )
    definition = context.validation_definitions.add(gx.ValidationDefinition(name="warm", data=batch, suite=suite))
    definition.run(batch_parameters={"dataframe": pd.DataFrame({"x": [1]})})


def main() -> None:
    """The child: requests on standard input, answers on the standard output it was given; whatever it prints
    goes to standard error, so nothing can mix with the answers."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _first_validation()  # the seconds this process is for, spent before the first request

    # by the module's own name, not as __main__: the answers' classes must unpickle in the process that asked
    from pipelines.quality import gx_process

    gx_process._serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
