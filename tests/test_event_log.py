"""The instance's event log (pipelines/event_log.py): Dagster's own SQLite files, kept open, commits in WAL with
synchronous=NORMAL; what it writes a plain Dagster instance reads back."""

import dagster as dg
import pytest
import sqlalchemy as db

from pipelines import cli, event_log

pytestmark = pytest.mark.unit


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 3})


JOB = dg.define_asset_job("count", selection=[counted])
DEFS = dg.Definitions(assets=[counted], jobs=[JOB])


def _home(tmp_path, monkeypatch):
    home = tmp_path / "dagster"
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert cli._dagster_home(tmp_path) == home.resolve()  # writes the CLI's dagster.yaml, sets DAGSTER_HOME
    return home


def test_runs_recorded_through_it_read_back_by_plain_dagster(tmp_path, monkeypatch):
    home = _home(tmp_path, monkeypatch)
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, event_log.EventLogStorage)
        results = [DEFS.resolve_job_def("count").execute_in_process(instance=instance) for _ in range(3)]
        assert all(r.success for r in results)
        storage = instance.event_log_storage
        # the index and the most recent runs stay open, no more than KEPT_ENGINES
        assert "index" in storage._engines and len(storage._engines) <= event_log.KEPT_ENGINES
        with storage.run_connection(results[-1].run_id) as conn:
            assert conn.execute(db.text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert conn.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
    # Dagster's own storage on the same folder (no dagster.yaml) finds every run and the last materialisation
    (home / "dagster.yaml").unlink()
    with dg.DagsterInstance.from_config(str(home)) as plain:
        assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert {r.run_id for r in plain.get_runs()} == {r.run_id for r in results}
        latest = plain.get_latest_materialization_event(dg.AssetKey("counted"))
        assert latest.run_id == results[-1].run_id
        assert latest.asset_materialization.metadata["dagster/row_count"].value == 3
        events = plain.all_logs(results[0].run_id)
        assert any(e.dagster_event and e.dagster_event.is_step_success for e in events)


def test_engines_beyond_the_cap_are_closed(tmp_path, monkeypatch):
    monkeypatch.setattr(event_log, "KEPT_ENGINES", 2)
    storage = event_log.EventLogStorage(str(tmp_path / "runs"))
    for run in ("a", "b", "c"):
        with storage.run_connection(run) as conn:
            conn.execute(db.text("SELECT 1")).fetchall()
    assert list(storage._engines) == ["b", "c"]
    storage.dispose()
    assert storage._engines == {}


def test_no_folder_without_dagster_home(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with pytest.raises(RuntimeError, match="DAGSTER_HOME is not set"):
        event_log.EventLogStorage()


def test_the_clis_earlier_config_is_brought_up_to_date_an_operators_own_is_not(tmp_path, monkeypatch):
    home = tmp_path / "dagster"
    home.mkdir()
    config = home / "dagster.yaml"
    config.write_text(cli._EARLIER_DAGSTER_YAML[0], encoding="utf-8")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    cli._dagster_home(tmp_path)
    assert config.read_text(encoding="utf-8") == cli.DAGSTER_YAML
    own = "telemetry:\n  enabled: false\n"
    config.write_text(own, encoding="utf-8")
    cli._dagster_home(tmp_path)
    assert config.read_text(encoding="utf-8") == own
