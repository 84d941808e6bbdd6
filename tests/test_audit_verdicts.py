"""The audit remembers Great Expectations' verdicts (pipelines/quality/audit.py, meta.audit_verdicts): a combination of
values judged before is not sent again, the results are the same as a first audit of everything, and a changed
suite is judged afresh."""

import duckdb
import pytest

from pipelines.incremental import ensure_meta
from pipelines.quality.audit import audit
from tests.tiny_suite import tiny_suite

pytestmark = pytest.mark.unit


# (period, fte, form): fte 2.0 breaks a maximum of 1.5, 'timavlönad' is unknown, NULL is missing
MONTHS = {
    "2024-01": [(1.0, "visstid"), (2.0, "tillsvidare"), (0.5, "timavlönad")],
    "2024-02": [(1.0, "tillsvidare"), (0.5, None), (1.0, "visstid")],
    "2024-03": [(2.0, "visstid"), (0.5, "timavlönad"), (1.0, None)],  # nothing new
    "2024-04": [(3.0, "visstid"), (1.0, "anställd")],  # one new fte, one new form
}


def _warehouse(months):
    con = duckdb.connect()
    ensure_meta(con)
    con.execute("CREATE SCHEMA staging")
    con.execute(
        "CREATE TABLE staging.tiny (period VARCHAR, fte DOUBLE, form VARCHAR, source_file VARCHAR, source_row BIGINT)"
    )
    for period in months:
        _deliver(con, period)
    return con


def _deliver(con, period):
    con.executemany(
        "INSERT INTO staging.tiny VALUES (?, ?, ?, ?, ?)",
        [(period, fte, form, f"personal_{period}.csv", n) for n, (fte, form) in enumerate(MONTHS[period], start=2)],
    )


def _audit(con, suite, periods):
    where = "list_contains(?::VARCHAR[], t.period)".replace("?::VARCHAR[]", str(list(periods)))
    return audit(con, suite, "staging.tiny", where, "t.period", sorted(periods), "run")


def _results(con):
    return (
        con.execute("SELECT rule, partition, evaluated, unexpected FROM meta.audit_results ORDER BY ALL").fetchall(),
        con.execute(
            "SELECT rule, partition, source_file, source_row, value FROM meta.audit_failing ORDER BY ALL"
        ).fetchall(),
    )


def test_what_was_judged_before_is_not_sent_again_and_the_results_are_the_same():
    suite = tiny_suite(1.5)
    con = _warehouse(["2024-01", "2024-02"])
    first = _audit(con, suite, ["2024-01", "2024-02"])
    # distinct values per set: fte 1.0, 2.0, 0.5; form visstid, tillsvidare, timavlönad, NULL; present yes/no
    assert first.judged == 3 + 4 + 2 and not first.disagreements and not first.errors
    _deliver(con, "2024-03")
    again = _audit(con, suite, ["2024-03"])
    assert again.judged == 0 and not again.disagreements
    _deliver(con, "2024-04")
    new = _audit(con, suite, ["2024-04"])
    assert new.judged == 2  # fte 3.0 and the form 'anställd'; the set of form_given knew both answers
    nights = _results(con)

    once = _warehouse(MONTHS)
    assert _audit(once, suite, list(MONTHS)).judged == 4 + 5 + 2
    assert nights == _results(once)
    # and the counts by hand: fte over 1.5 in Jan, Mar, Apr; unknown forms Jan, Mar, Apr; missing Feb, Mar
    results, failing = nights
    unexpected = {(rule, partition): u for rule, partition, _, u in results if u}
    assert unexpected == {
        ("fte_in_range", "2024-01"): 1,
        ("fte_in_range", "2024-03"): 1,
        ("fte_in_range", "2024-04"): 1,
        ("form_known", "2024-01"): 1,
        ("form_known", "2024-03"): 1,
        ("form_known", "2024-04"): 1,
        ("form_given", "2024-02"): 1,
        ("form_given", "2024-03"): 1,
    }
    assert ("fte_in_range", "2024-04", "personal_2024-04.csv", 2, "3.0") in failing


def test_a_changed_suite_is_judged_afresh():
    con = _warehouse(["2024-01", "2024-02"])
    _audit(con, tiny_suite(1.5), ["2024-01", "2024-02"])
    remembered = con.execute("SELECT count(DISTINCT definition) FROM meta.audit_verdicts").fetchall()[0][0]
    assert remembered == 1
    wider = _audit(con, tiny_suite(2.5), ["2024-01", "2024-02"])
    assert wider.judged == 3 + 4 + 2  # nothing of the old definition is used, nor kept
    assert con.execute("SELECT count(DISTINCT definition) FROM meta.audit_verdicts").fetchall()[0][0] == 1
    results, _ = _results(con)
    assert not any(u for rule, _, _, u in results if rule == "fte_in_range")  # 2.0 is within 2.5


def test_a_set_gx_could_not_evaluate_is_not_remembered():
    con = _warehouse(["2024-01"])
    con.execute("ALTER TABLE staging.tiny ALTER fte TYPE VARCHAR")  # GX cannot compare text with numbers
    warning = tiny_suite(1.5, severity="warning")  # (a blocking rule's SQL would refuse the text first)
    failed = _audit(con, warning, ["2024-01"])
    assert "fte_in_range" in failed.errors
    kinds = {row[0] for row in con.execute("SELECT columns FROM meta.audit_verdicts").fetchall()}
    assert "values: fte" not in kinds and "values: form" in kinds
    assert _audit(con, warning, ["2024-01"]).judged == 3  # the fte set is asked again
