"""Great Expectations in its own process (pipelines/quality/gx_process.py): the verdicts it gives are GX's, a request
that fails says why, and a process that died is started again."""

import pandas as pd
import pytest

from pipelines.quality import gx_process
from tests.tiny_suite import tiny_suite

pytestmark = pytest.mark.unit

# fte_in_range (0 to 1.5, blocking) and form_known (a warning)
RULES = [rule for rule in tiny_suite().rules if rule.rule != "form_given"]


def test_verdicts_name_the_rows_that_break_each_rule():
    frame = pd.DataFrame({"fte": [1.0, 2.0, -0.5, 0.75], "form": ["visstid", "timavlönad", "tillsvidare", None]})
    verdicts = gx_process.judge("tiny", RULES, frame)
    assert [v.rule for v in verdicts] == ["fte_in_range", "form_known"]
    fte, form = verdicts
    assert (fte.success, sorted(fte.unexpected_index_list), fte.error) == (False, [1, 2], None)
    # GX leaves a missing value to the not-null rules: only the unknown form breaks this one
    assert (form.success, form.unexpected_index_list) == (False, [1])
    passing = gx_process.judge("tiny", RULES, frame.iloc[[0]])
    assert all(v.success and v.unexpected_index_list == [] for v in passing)


def test_a_rule_gx_cannot_evaluate_comes_back_with_its_error():
    (verdict, _) = gx_process.judge("tiny", RULES, pd.DataFrame({"form": ["visstid"]}))
    assert verdict.rule == "fte_in_range" and not verdict.success
    assert "fte" in verdict.error


class _EndsTheProcess:
    """Unpickled in Great Expectations' process, it ends that process in the middle of a request."""

    def __reduce__(self):
        import os

        return os._exit, (3,)


def test_a_failed_request_says_why_and_a_dead_process_starts_again():
    with pytest.raises(gx_process.GreatExpectationsFailed, match="unknown request 'nonsense'"):
        gx_process._ask("nonsense")
    with pytest.raises(gx_process.GreatExpectationsFailed, match=r"ended unexpectedly \(exit code 3\)"):
        gx_process.judge("tiny", RULES, _EndsTheProcess())
    verdicts = gx_process.judge("tiny", RULES, pd.DataFrame({"fte": [1.0], "form": ["visstid"]}))
    assert all(v.success for v in verdicts)
    # one that was killed between requests is started again before the next
    gx_process._process.kill()
    gx_process._process.wait()
    verdicts = gx_process.judge("tiny", RULES, pd.DataFrame({"fte": [9.0], "form": ["visstid"]}))
    assert [v.success for v in verdicts] == [False, True]
