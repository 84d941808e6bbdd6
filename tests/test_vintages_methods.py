"""The methods behind the history of releases, on small cases worked by hand (no refresh):

- the split of a ratio's move into its numerator's and its denominator's part (docs/statistics.md, "What moved a
  value between two releases") against hand computations, and that the parts add up to the move;
- the kinds of change; numbers that differ by a recomputation's rounding are not a revision;
- "as published on date X": release_as_of and indicator_values_as_of over a hand-made history;
- the digest's Swedish sentences from hand-made changes;
- the settings of the release checks, refused with the variable named.
"""

import datetime as dt

import duckdb
import pytest

from pipelines.settings import SQL_DIR
from pipelines.vintages.digest import read_digest, to_markdown
from pipelines.vintages.settings import VintageSettingError, anomaly_settings, check_settings, digest_send

pytestmark = pytest.mark.unit

UTC = dt.timezone.utc


@pytest.fixture
def con():
    with duckdb.connect() as con:
        con.execute((SQL_DIR / "vintages" / "macros.sql").read_text(encoding="utf-8")).fetchall()
        yield con


def test_a_ratios_move_splits_into_its_numerator_and_denominator_parts_as_worked_by_hand(con):
    # listed inhabitants per doctor FTE: 1,150 listed / 1.00 FTE -> 1,200 / 1.10 (scale 1): 1,150 -> 1,090.909...
    #   numerator part   = (1200 - 1150) * (1/1.00 + 1/1.10) / 2 = 50 * 1.909090.../2 = 47.727272...
    #   denominator part = (1/1.10 - 1/1.00) * (1150 + 1200) / 2 = -0.090909... * 1175 = -106.818181...
    #   together -59.090909... = 1,090.909... - 1,150
    n, d = con.execute(
        "SELECT vintage_numerator_effect(1, 1150, 1.0, 1200, 1.1), vintage_denominator_effect(1, 1150, 1.0, 1200, 1.1)"
    ).fetchall()[0]
    assert n == pytest.approx(47.7272727272727, abs=1e-9)
    assert d == pytest.approx(-106.818181818182, abs=1e-9)
    assert n + d == pytest.approx(1200 / 1.1 - 1150, abs=1e-9)
    # a share of the population (scale 100): 1,000 of 20,000 -> 1,100 of 20,500, 5 % -> 5.3659 %
    #   numerator part   = 100 * 100 * (1/20000 + 1/20500) / 2 = 0.4939024...
    #   denominator part = 100 * (1/20500 - 1/20000) * 2100 / 2 = -0.1280487...
    n, d = con.execute(
        "SELECT vintage_numerator_effect(100, 1000, 20000, 1100, 20500), "
        "vintage_denominator_effect(100, 1000, 20000, 1100, 20500)"
    ).fetchall()[0]
    assert n == pytest.approx(0.493902439024390, abs=1e-12)
    assert d == pytest.approx(-0.128048780487805, abs=1e-12)
    assert n + d == pytest.approx(100 * 1100 / 20500 - 5, abs=1e-12)


@pytest.mark.parametrize(
    "scale, n0, d0, n1, d1",
    [
        (1000, 530, 281_000, 530, 283_000),  # beds per 1,000: the population revised, the beds not
        (100, 0, 12, 3, 15),  # from a zero numerator
        (1, -40.5, 3.0, 12.25, 2.5),  # a negative value to a positive one
        (100, 1_803_412, 2_004_000, 1_700_000, 1_900_321),
    ],
)
def test_the_two_parts_always_add_up_to_the_whole_move(con, scale, n0, d0, n1, d1):
    n, d = con.execute(
        "SELECT vintage_numerator_effect(?, ?, ?, ?, ?), vintage_denominator_effect(?, ?, ?, ?, ?)",
        [scale, n0, d0, n1, d1] * 2,
    ).fetchall()[0]
    assert n + d == pytest.approx(scale * n1 / d1 - scale * n0 / d0, rel=1e-12, abs=1e-12)
    if n0 == n1:
        assert n == 0


def test_no_split_without_a_denominator_to_divide_by(con):
    assert con.execute(
        "SELECT vintage_numerator_effect(1, 5, 0, 6, 2), vintage_denominator_effect(1, 5, NULL, 6, 2)"
    ).fetchall() == [(None, None)]


@pytest.mark.parametrize(
    "args, kind",
    [
        ("false, true, false, 1, 1, false, false, NULL, 5, NULL, 5, NULL, NULL, true, true", "new period"),
        ("false, true, true, 1, 1, false, false, NULL, 5, NULL, 5, NULL, NULL, true, true", "new value"),
        ("true, false, true, 1, NULL, false, NULL, 5, NULL, 5, NULL, NULL, NULL, true, true", "withdrawn value"),
        ("true, true, true, 1, 2, false, false, 5, 5, 5, 5, NULL, NULL, true, true", "definition version changed"),
        ("true, true, true, 1, 1, false, true, 5, NULL, 5, NULL, NULL, NULL, true, true", "newly suppressed"),
        ("true, true, true, 1, 1, true, false, NULL, 5, NULL, 5, NULL, NULL, true, true", "no longer suppressed"),
        ("true, true, true, 1, 1, false, false, 5, 6, 5, 6, NULL, NULL, true, true", "revised value"),
        ("true, true, true, 1, 1, false, false, 5, 5, 10, 10, 2, 2, true, true", "flags changed"),
        # the deliveries behind it became incomplete: no value, and no revision
        ("true, true, true, 1, 1, false, false, 5, NULL, 5, NULL, NULL, NULL, true, false", "newly incomplete"),
        ("true, true, true, 1, 1, false, false, NULL, 5, NULL, 5, NULL, NULL, false, true", "complete again"),
        ("true, true, true, 1, 1, false, false, 5, 6, 5, 6, NULL, NULL, NULL, NULL", "revised value"),  # not known
    ],
)
def test_the_kinds_of_change(con, args, kind):
    assert con.execute(f"SELECT vintage_value_change({args})").fetchall()[0][0] == kind


def test_a_recomputations_rounding_is_not_a_revision(con):
    assert con.execute(
        "SELECT vintage_number_differs(0.1 + 0.2, 0.3), vintage_number_differs(1147.0, 1147.0001), "
        "vintage_number_differs(NULL, 0), vintage_number_differs(NULL, NULL)"
    ).fetchall() == [(False, True, True, False)]


def _snapshot(path):
    """A release's analyst.duckdb by hand: three releases, a value revised in the second and withdrawn in the
    third, a goal whose status changed, a Kolada revision and a warning."""
    con = duckdb.connect(str(path))
    con.execute((SQL_DIR / "meta" / "vintages.sql").read_text(encoding="utf-8")).fetchall()
    con.execute("CREATE TABLE releases AS SELECT * FROM meta.vintage_releases").fetchall()
    con.execute("CREATE TABLE release_changes AS SELECT * FROM meta.vintage_changes").fetchall()
    con.execute("""CREATE TABLE indicator_value_history (indicator_id VARCHAR, area_code VARCHAR, period VARCHAR,
        sex VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit_id VARCHAR, age_group VARCHAR,
        category VARCHAR, definition_version INTEGER, synthetic BOOLEAN, suppressed BOOLEAN,
        version_id BIGINT, first_release VARCHAR, first_published_at TIMESTAMPTZ, last_release VARCHAR,
        last_published_at TIMESTAMPTZ, ended_release VARCHAR, ended_at TIMESTAMPTZ, end_reason VARCHAR)""").fetchall()
    for name, made, previous in (
        ("20260114T020000-aaaaaaaa", "2026-01-14 02:00:00+00", None),
        ("20260301T020000-bbbbbbbb", "2026-03-01 02:00:00+00", "20260114T020000-aaaaaaaa"),
        ("20260514T020000-cccccccc", "2026-05-14 02:00:00+00", "20260301T020000-bbbbbbbb"),
    ):
        con.execute(
            "INSERT INTO releases VALUES (?, ?, ?::TIMESTAMPTZ, CAST(timezone('Europe/Stockholm', "
            "?::TIMESTAMPTZ) AS DATE), ?, 0, 0, NULL, NULL)",
            [name, name[-8:], made, made, previous],
        ).fetchall()
    con.execute("""INSERT INTO indicator_value_history VALUES
        ('beds_per_1000', '19', '2023', 'T', 1.907, 530, 277860, NULL, 'all', 'all', 1, true, false,
         1, '20260114T020000-aaaaaaaa', '2026-01-14 02:00:00+00', '20260114T020000-aaaaaaaa',
         '2026-01-14 02:00:00+00', '20260301T020000-bbbbbbbb', '2026-03-01 02:00:00+00', 'revised'),
        ('beds_per_1000', '19', '2023', 'T', 1.894, 530, 279831, NULL, 'all', 'all', 1, true, false,
         2, '20260301T020000-bbbbbbbb', '2026-03-01 02:00:00+00', '20260301T020000-bbbbbbbb',
         '2026-03-01 02:00:00+00', '20260514T020000-cccccccc', '2026-05-14 02:00:00+00', 'withdrawn'),
        ('beds_per_1000', '19', '2024', 'T', 1.898, 532, 280297, NULL, 'all', 'all', 1, true, false,
         3, '20260114T020000-aaaaaaaa', '2026-01-14 02:00:00+00', NULL, NULL, NULL, NULL, NULL)""").fetchall()
    con.execute((SQL_DIR / "vintages" / "macros.sql").read_text(encoding="utf-8")).fetchall()
    for statement in con.extract_statements((SQL_DIR / "vintages" / "as_of.sql").read_text(encoding="utf-8")):
        if "goal_progress_history" not in statement.query and "benchmark_value_history" not in statement.query:
            con.execute(statement).fetchall()
    return con


def test_what_was_published_on_a_date_is_one_query(tmp_path):
    con = _snapshot(tmp_path / "analyst.duckdb")
    as_of = lambda moment: con.execute(  # noqa: E731
        "SELECT period, value, first_release FROM indicator_values_as_of(?) ORDER BY period", [moment]
    ).fetchall()
    assert as_of("2026-01-13") == []  # before the first release
    assert as_of("2026-01-14") == [
        ("2023", 1.907, "20260114T020000-aaaaaaaa"),
        ("2024", 1.898, "20260114T020000-aaaaaaaa"),
    ]
    assert as_of("2026-02-28 23:59:59+00") == as_of("2026-01-14")
    # on 1 March the second release (02:00 UTC) published the revision; before it, the first release's value
    assert as_of("2026-03-01 01:59:59+00")[0][1] == 1.907
    assert as_of("2026-03-01")[0] == ("2023", 1.894, "20260301T020000-bbbbbbbb")
    assert as_of("2026-05-14") == [("2024", 1.898, "20260114T020000-aaaaaaaa")]  # 2023 withdrawn by the third
    assert con.execute(
        "SELECT release_as_of(DATE '2026-04-30'), release_as_of(TIMESTAMPTZ '2026-05-14 03:00:00+02'),"
        " release_as_of('2025-12-31')"
    ).fetchall() == [("20260301T020000-bbbbbbbb", "20260301T020000-bbbbbbbb", None)]


def _change(con, **values):
    row = {
        "release": "20260514T020000-cccccccc",
        "previous_release": "20260301T020000-bbbbbbbb",
        "published_at": dt.datetime(2026, 5, 14, 2, tzinfo=UTC),
        "sex": "T",
        "age_group": "all",
        "category": "all",
        "synthetic": False,
        **values,
    }
    columns = ", ".join(row)
    con.execute(
        f"INSERT INTO release_changes ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    ).fetchall()


def test_the_digest_says_in_swedish_what_changed_and_why(tmp_path):
    con = _snapshot(tmp_path / "analyst.duckdb")
    con.execute(
        "CREATE TABLE indicators AS SELECT * FROM (VALUES ('population_share_80plus', "
        "'Andel av befolkningen 80 år och äldre', 1, 'ratio', 'procent'), ('listed_inhabitants', "
        "'Listade invånare', 0, 'count', 'listade')) t(indicator_id, title_sv, decimals, kind, unit_sv)"
    ).fetchall()
    con.execute(
        "CREATE TABLE areas AS SELECT * FROM (VALUES ('19', 'Västmanlands län', 'county'), "
        "('1980', 'Västerås kommun', 'municipality'), ('01', 'Stockholms län', 'county')) "
        "t(area_code, name, level)"
    ).fetchall()
    con.execute(
        "CREATE TABLE goals AS SELECT 'vastmanland_beds' AS goal_id, 'Länsbehovet av vårdplatser ska "
        "minska' AS title_sv, '19' AS region_code"
    ).fetchall()
    con.execute(
        "CREATE TABLE benchmark_kpis AS SELECT 'N70845' AS kpi_id, 'Disponibla vårdplatser, antal/1000 inv' AS title"
    ).fetchall()
    con.execute(
        "CREATE TABLE units AS SELECT '19-VC-001' AS unit_id, 'Vårdcentralen Skinnskatteberg' AS "
        "unit_name, DATE '2020-01-01' AS valid_from"
    ).fetchall()
    files = [
        {
            "source": "population",
            "file": "folkmangd_2023_reviderad.csv",
            "file_version_id": 3,
            "replaced_file": "folkmangd_2015-2024.csv",
            "replaced_version_id": 2,
            "periods": ["2023"],
        }
    ]
    _change(
        con,
        measure="indicator",
        indicator_id="population_share_80plus",
        area_code="1980",
        period="2023",
        change="revised value",
        value_before=5.9,
        value_after=6.45,
        move=0.55,
        move_share=0.55 / 5.9,
        numerator_effect=0.61234,
        denominator_effect=-0.06234,
        cause="source file replaced",
        source_files=files,
        synthetic=True,
    )
    _change(
        con,
        measure="indicator",
        indicator_id="listed_inhabitants",
        area_code="19",
        unit_id="19-VC-001",
        period="2024-03",
        sex="K",
        age_group="0-17",
        change="revised value",
        value_before=509,
        value_after=2012,
        move=1503,
        move_share=1503 / 509,
        numerator_effect=1503,
        cause="source file replaced",
        source_files=[
            {
                "source": "listings",
                "file": "listning_2024-03.csv",
                "file_version_id": 98,
                "replaced_file": "listning_2024-03.csv",
                "replaced_version_id": 63,
                "periods": ["2024-03"],
            }
        ],
        anomaly_rule="revision_within_share",
        anomaly="...",
        anomaly_score=1503 / 509,
        synthetic=True,
    )
    _change(
        con,
        measure="indicator",
        indicator_id="listed_inhabitants",
        area_code="19",
        period="2025-01",
        change="new period",
        value_after=289763,
        cause="new source file",
        synthetic=True,
    )
    _change(
        con,
        measure="goal",
        goal_id="vastmanland_beds",
        indicator_id="beds_per_1000",
        area_code="19",
        period="2024",
        change="status changed",
        status_before="on track",
        status_after="off track",
        cause="revised values",
        synthetic=True,
    )
    _change(
        con,
        measure="kolada",
        indicator_id="N70845",
        area_code="19",
        period="2025",
        change="revised value",
        value_before=1.9,
        value_after=2.6,
        move=0.7,
        move_share=0.7 / 1.9,
        cause="kolada revision",
        kolada_page="20260514T060000Z/N70845.json",
        kolada_seen_on=dt.date(2026, 5, 14),
    )
    _change(
        con,
        measure="kolada",
        indicator_id="N70845",
        area_code="01",
        period="2023",
        change="withdrawn value",
        value_before=2.0,
        cause="kolada deletion",
        kolada_page="20260514T060000Z/N70845.json",
        kolada_seen_on=dt.date(2026, 5, 14),
    )
    digest = read_digest(con)
    sections = dict(digest.sections)
    assert digest.intro == (
        "Publiceringen 20260514T020000-cccccccc (2026-05-14 04:00 svensk tid) jämförd med "
        "publiceringen 20260301T020000-bbbbbbbb (2026-03-01 03:00 svensk tid)."
    )
    assert digest.summary == (
        "Sedan förra publiceringen har 3 indikatorvärden ändrats: 1 för en ny period och 2 "
        "reviderade. 1 mål har fått ny status, 2 värden från Kolada har ändrats och 1 ny "
        "varning behöver granskas."
    )
    assert sections["Nya perioder"] == [
        "Listade invånare: nya värden för januari 2025 (1 värde; Region Västmanland 289\u00a0763) (syntetiska data)."
    ]
    assert sections["Reviderade värden"][0] == (
        "Andel av befolkningen 80 år och äldre för Västerås kommun 2023 har reviderats från 5,9 till 6,5 (+9,3 %) "
        "(syntetiska data). Orsak: SCB:s befolkningsfil folkmangd_2023_reviderad.csv (filversion 3) ersatte "
        "folkmangd_2015-2024.csv (filversion 2). Täljaren står för +0,61 och nämnaren för \u22120,06 av "
        "förändringen."
    )
    assert sections["Målstatus"] == [
        "Målet ”Länsbehovet av vårdplatser ska minska” för Region Västmanland: i fas → "
        "ej i fas (syntetiska data). Orsak: reviderade värden bakom målet."
    ]
    assert sections["Nya varningar"] == [
        "Listade invånare för Vårdcentralen Skinnskatteberg (kvinnor, 0–17 år) i mars 2024 har reviderats med "
        "+295,3 % (från 509 till 2\u00a0012), mer än varningsgränsen 30 % (syntetiska data). Bakom: listningsfilen "
        "listning_2024-03.csv (filversion 98) ersatte listning_2024-03.csv (filversion 63)."
    ]
    assert sections["Kolada"] == [
        "Kolada har reviderat Disponibla vårdplatser, antal/1000 inv (N70845) för Region Västmanland 2025 från 1,9 "
        "till 2,6 (+36,8 %) (reviderad 2026-05-14).",
        "Kolada har tagit bort värdet för Disponibla vårdplatser, antal/1000 inv (N70845) för Region Stockholm 2023 "
        "(tidigare 2; borttaget 2026-05-14).",
        "Källa: Kolada.",
    ]
    markdown = to_markdown(digest)
    assert markdown.startswith("# Vad har ändrats sedan förra publiceringen\n")
    assert "\n## Målstatus\n\n- Målet ”Länsbehovet" in markdown and "**Syntetiska data:**" in markdown


def test_the_digest_says_which_values_lack_complete_deliveries(tmp_path):
    con = _snapshot(tmp_path / "analyst.duckdb")
    con.execute(
        "CREATE TABLE indicators AS SELECT 'listed_inhabitants' AS indicator_id, 'Listade invånare' AS "
        "title_sv, 0 AS decimals, 'count' AS kind, 'listade' AS unit_sv"
    ).fetchall()
    con.execute(
        "CREATE TABLE areas AS SELECT '19' AS area_code, 'Västmanlands län' AS name, 'county' AS level"
    ).fetchall()
    _change(
        con,
        measure="indicator",
        indicator_id="listed_inhabitants",
        area_code="19",
        period="2024-03",
        change="newly incomplete",
        value_before=289_512,
        incomplete_note="19-VC-005 saknas i listningen för 2024-03",
        cause="source file replaced",
        synthetic=True,
        source_files=[
            {
                "source": "listings",
                "file": "listning_2024-03.csv",
                "file_version_id": 9,
                "replaced_file": "listning_2024-03.csv",
                "replaced_version_id": 4,
                "periods": ["2024-03"],
            }
        ],
    )
    # a new month: the region's value, and a health centre's without one (its staffing is not delivered)
    _change(
        con,
        measure="indicator",
        indicator_id="listed_inhabitants",
        area_code="19",
        period="2025-01",
        change="new period",
        value_after=290_001,
        cause="new source file",
        synthetic=True,
    )
    _change(
        con,
        measure="indicator",
        indicator_id="listed_inhabitants",
        area_code="19",
        unit_id="19-VC-005",
        period="2025-01",
        change="new period",
        incomplete_note="19-VC-005 saknas i listningen för 2025-01",
        cause="new source file",
        synthetic=True,
    )
    digest = read_digest(con)
    assert digest.summary == (
        "Sedan förra publiceringen har 3 indikatorvärden ändrats: 2 för nya perioder och 1 "
        "saknas nu för att leveranserna är ofullständiga."
    )
    assert dict(digest.sections)["Nya perioder"] == [
        "Listade invånare: nya värden för januari 2025 (2 värden, 1 av dem utan värde eftersom leveranserna är "
        "ofullständiga; Region Västmanland 290\u00a0001) (syntetiska data)."
    ]
    assert dict(digest.sections)["Ofullständiga leveranser"] == [
        "Listade invånare för Region Västmanland i mars 2024 publiceras inte längre med värde: leveranserna är "
        "ofullständiga (19-VC-005 saknas i listningen för 2024-03) (syntetiska data). Tidigare publicerat: "
        "289\u00a0512."
    ]


def test_a_release_without_changes_says_so_and_the_first_says_what_is_to_come(tmp_path):
    con = _snapshot(tmp_path / "analyst.duckdb")
    assert read_digest(con).summary == "Inget publicerat värde har ändrats sedan förra publiceringen."
    first = read_digest(con, "20260114T020000-aaaaaaaa")
    assert first.intro.endswith("är den första med historik.") and first.sections == []


@pytest.mark.parametrize("text, share", [("30%", 0.30), ("30 %", 0.30), ("0.25", 0.25), ("0,5", 0.5), ("", 0.30)])
def test_the_revision_share_is_read_as_a_share_or_a_percentage(text, share):
    assert anomaly_settings({"VARDPULS_ANOMALY_REVISION_SHARE": text}).revision_share == pytest.approx(share)


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"VARDPULS_ANOMALY_REVISION_SHARE": "trettio"}, "VARDPULS_ANOMALY_REVISION_SHARE is 'trettio'"),
        ({"VARDPULS_ANOMALY_REVISION_SHARE": "-0.3"}, "a number above 0"),
        ({"VARDPULS_ANOMALY_SERIES_Z": "4%"}, "VARDPULS_ANOMALY_SERIES_Z is '4%'"),
        ({"VARDPULS_DIGEST_SEND": "kanske"}, "VARDPULS_DIGEST_SEND is 'kanske': expected true or false"),
    ],
)
def test_settings_that_cannot_be_used_are_refused_naming_the_variable(environ, message):
    with pytest.raises(VintageSettingError, match=message):
        check_settings(environ)


def test_the_digest_is_sent_only_when_asked():
    assert digest_send({}) is False and digest_send({"VARDPULS_DIGEST_SEND": "true"}) is True
