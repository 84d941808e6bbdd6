"""A run's event log with its files kept open (pipelines/event_log.py): Dagster's own SQLite files, commits in WAL
with synchronous=NORMAL, and what it writes a plain Dagster instance reads back."""

import dagster as dg
import pytest
import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines import cli, event_log

pytestmark = pytest.mark.unit


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 3})


DEFS = dg.Definitions(assets=[counted], jobs=[dg.define_asset_job("count", selection=[counted])])


def test_runs_recorded_through_it_read_back_by_plain_dagster(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = cli._dagster_home(tmp_path)  # the CLI's instance: <warehouse>/dagster, DAGSTER_HOME set
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert event_log.keep_open(storage) and event_log.keep_open(storage)  # (a second call changes nothing)
        results = [DEFS.resolve_job_def("count").execute_in_process(instance=instance) for _ in range(3)]
        assert all(r.success for r in results)
        # the index and the most recent runs stay open, no more than KEPT_ENGINES
        assert "index" in storage._kept_engines and len(storage._kept_engines) <= event_log.KEPT_ENGINES
        with storage.run_connection(results[-1].run_id) as conn:
            assert conn.execute(db.text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert conn.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
    assert storage._kept_engines == {}  # closed with the instance
    monkeypatch.delenv("DAGSTER_HOME")
    with dg.DagsterInstance.from_config(str(home)) as plain:  # as the benchmark and the UI read it
        assert type(plain.event_log_storage) is SqliteEventLogStorage
        assert {r.run_id for r in plain.get_runs()} == {r.run_id for r in results}
        latest = plain.get_latest_materialization_event(dg.AssetKey("counted"))
        assert latest.run_id == results[-1].run_id
        assert latest.asset_materialization.metadata["dagster/row_count"].value == 3
        assert any(e.dagster_event and e.dagster_event.is_step_success for e in plain.all_logs(results[0].run_id))


def test_engines_beyond_the_cap_are_closed(tmp_path, monkeypatch):
    monkeypatch.setattr(event_log, "KEPT_ENGINES", 2)
    storage = SqliteEventLogStorage(str(tmp_path / "runs"))
    event_log.keep_open(storage)
    for run in ("a", "b", "c"):
        with storage.run_connection(run) as conn:
            conn.execute(db.text("SELECT 1")).fetchall()
    assert list(storage._kept_engines) == ["b", "c"]
    storage.dispose()
    assert storage._kept_engines == {}


def test_another_storage_is_left_as_it_is(tmp_path):
    class Other(SqliteEventLogStorage):
        pass

    other = Other(str(tmp_path / "runs"))
    assert not event_log.keep_open(other) and not hasattr(other, "_kept_engines")
    assert not event_log.keep_open(object())
