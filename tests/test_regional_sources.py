"""The region's own sources: every format, the register as it was, incremental replacement, findings."""

import os

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.conftest import failure_message

pytestmark = pytest.mark.integration

ORGANISATION = """enhets_id;enhetsnamn;enhetstyp;vårdnivå;sjukhus;specialitet;kommunkod;kostnadsställe;verksamhet;giltig_från;giltig_till;datakälla
19-VC-001;Vårdcentral Viksäng;vårdcentral;primärvård;;;1980;19-KS-1001;1;2015-01-01;2023-06-30;SYNTETISK test
19-VC-002;Vårdcentral Bäckby;vårdcentral;primärvård;;;1980;19-KS-1002;1;2015-01-01;2023-06-30;SYNTETISK test
19-VC-003;Vårdcentral Viksäng-Bäckby;vårdcentral;primärvård;;;1980;19-KS-1003;1;2023-07-01;;SYNTETISK test
19-AVD-01;Avdelning 41 Internmedicin;vårdavdelning;specialiserad somatisk vård;Västmanlands sjukhus Västerås;Internmedicin;1980;19-KS-2001;2;2015-01-01;;SYNTETISK test
19-AVD-02;Avdelning 12 Geriatrik;vårdavdelning;specialiserad somatisk vård;Västmanlands sjukhus Köping;Geriatrik;1983;19-KS-2002;2;2015-01-01;2024-03-31;SYNTETISK test
19-AMB-01;Ambulansstation Västerås;ambulansstation;ambulanssjukvård;;;1980;19-KS-3001;5;2015-01-01;;SYNTETISK test
"""


def organisation(site):
    site.write_source("organisation", "enheter.csv", ORGANISATION)


def test_organisation_register_is_effective_dated(site):
    organisation(site)
    assert site.load_regional().success
    assert site.query("SELECT count(*), count(DISTINCT unit_id), bool_and(synthetic) FROM core.units") == [(6, 6, True)]
    # the merged health centre replaces its two predecessors from July 2023
    months = site.query(
        "SELECT period, list(unit_id ORDER BY unit_id) FROM core.unit_months "
        "WHERE unit_type = 'vårdcentral' AND period IN ('2023-06', '2023-07') GROUP BY 1 ORDER BY 1"
    )
    assert months == [("2023-06", ["19-VC-001", "19-VC-002"]), ("2023-07", ["19-VC-003"])]
    assert site.query("SELECT county_code FROM core.units WHERE unit_id = '19-AVD-02'") == [("19",)]


def test_listings_cp1252_against_the_register_of_their_month(site):
    organisation(site)
    site.write_source(
        "listings",
        "listning_2023-06.csv",
        "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n"
        "2023-06;19-VC-001;80-84;K;120\n2023-06;19-VC-001;80-84;M;95\n2023-06;19-VC-002;0-5;K;300\n",
        encoding="cp1252",
    )
    site.write_source(
        "listings",
        "listning_2023-07.csv",
        "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n"
        "2023-07;19-VC-003;80-84;K;121\n2023-07;19-VC-001;0-5;M;7\n",
        encoding="cp1252",
    )
    assert site.load_regional().success
    assert site.query("SELECT period, sum(listed) FROM core.listed_inhabitants GROUP BY 1 ORDER BY 1") == [
        ("2023-06", 515),
        ("2023-07", 121),
    ]
    # 19-VC-001 had closed by July: held out and reported, not silently dropped
    assert site.query("SELECT source, source_file, source_row, column_name, rule, value FROM core.quarantine") == [
        ("listings", "listning_2023-07.csv", 3, "vårdcentral_id", "health_centre_registered", "19-VC-001")
    ]


STAFFING_HEADER = (
    "period;anställningsnummer;enhets_id;yrke;anställningsform;sysselsättningsgrad;arbetade_timmar;"
    "sjuktimmar;inhyrd;datakälla\n"
)


def test_staffing_fte_by_profession_unit_and_month_with_findings(site):
    organisation(site)
    site.write_source(
        "staffing",
        "personal_2024-01.csv",
        STAFFING_HEADER
        + "2024-01;1000001;19-VC-003;Specialistläkare allmänmedicin;tillsvidare;1,0;150,5;8,0;N;SYNTETISK\n"
        + "2024-01;1000002;19-VC-003;Specialistläkare allmänmedicin;tillsvidare;0,75;110;0;N;SYNTETISK\n"
        + "2024-01;1000003;19-VC-003;Distriktssköterska;visstid;0,5;80,25;4,5;N;SYNTETISK\n"
        + "2024-01;1000004;19-AVD-01;Sjuksköterska;tillsvidare;-0,5;80;0;N;SYNTETISK\n"
        + "2024-01;1000003;19-VC-003;Distriktssköterska;visstid;0,5;80,25;4,5;N;SYNTETISK\n"
        + "2024-01;1000005;19-VC-999;Undersköterska;tillsvidare;1,0;160;0;N;SYNTETISK\n"
        + "2024-01;1000006;19-AMB-01;Ambulanssjuksköterska;tillsvidare;1,0;150;0;J;SYNTETISK\n",
    )
    assert site.load_regional().success
    fte = site.query(
        "SELECT unit_id, profession, fte, employee_months, hours_worked, sick_hours, hired FROM core.staff_fte "
        "ORDER BY unit_id, profession"
    )
    assert fte == [
        ("19-AMB-01", "Ambulanssjuksköterska", 1.0, 1, 150.0, 0.0, True),
        ("19-VC-003", "Distriktssköterska", 0.5, 1, 80.25, 4.5, False),
        ("19-VC-003", "Specialistläkare allmänmedicin", 1.75, 2, 260.5, 8.0, False),
    ]
    findings = site.query("SELECT source_row, column_name, rule, value FROM core.quarantine ORDER BY source_row")
    assert findings == [
        (5, "sysselsättningsgrad", "fte_in_range", "-0,5"),
        (6, "anställningsnummer", "one_row_per_employee_month", "1000003"),
        (7, "enhets_id", "unit_registered", "19-VC-999"),
    ]


def test_cost_from_parquet_with_activity_areas(site):
    organisation(site)
    table = pa.table(
        {
            "period": ["2024-01"] * 4,
            "kostnadsställe": ["19-KS-1003", "19-KS-1003", "19-KS-2001", "19-KS-9999"],
            "konto": ["5010", "3110", "5010", "5010"],
            "verksamhet": ["1", "1", "2", "2"],
            "belopp": [1_200_000.50, -80_000.0, 3_000_000.0, 5.0],
            "verifikation": ["V1", "V2", "V3", "V4"],
            "datakälla": ["SYNTETISK"] * 4,
        }
    )
    (site.landing / "cost").mkdir()
    pq.write_table(table, site.landing / "cost" / "huvudbok_2024-01.parquet")
    assert site.load_regional().success
    assert site.query("SELECT activity_area, sum(amount_sek) FROM core.cost GROUP BY 1 ORDER BY 1") == [
        ("Primärvård", 1_120_000.50),
        ("Specialiserad somatisk vård", 3_000_000.0),
    ]
    assert site.query("SELECT source_row, column_name, value FROM core.quarantine") == [
        (4, "kostnadsställe", "19-KS-9999")
    ]
    assert site.query("SELECT format FROM raw.regional_files WHERE source = 'cost'") == [("parquet",)]


BEDS_HEADER = (
    "datum;avdelnings_id;disponibla_vårdplatser;belagda;överbelagda;utlokaliserade;utskrivningsklara;utskrivningar\n"
)


def test_bed_census_against_the_ward_of_the_day(site):
    organisation(site)
    site.write_source(
        "beds",
        "vardplatslage_2024-03.csv",
        BEDS_HEADER
        + "2024-03-31;19-AVD-02;18;17;0;1;2;3\n"
        + "2024-03-31;19-AVD-01;24;26;2;0;1;5\n"
        + "2024-03-30;19-AVD-01;24;27;2;0;1;4\n",
    )
    site.write_source("beds", "vardplatslage_2024-04.csv", BEDS_HEADER + "2024-04-01;19-AVD-02;18;10;0;0;0;1\n")
    assert site.load_regional().success
    assert site.query(
        "SELECT census_date::VARCHAR, ward_id, beds_occupied, synthetic FROM core.bed_days ORDER BY 1, 2"
    ) == [("2024-03-31", "19-AVD-01", 26, False), ("2024-03-31", "19-AVD-02", 17, False)]
    assert site.query("SELECT source_file, source_row, column_name, rule FROM core.quarantine ORDER BY 1, 2") == [
        ("vardplatslage_2024-03.csv", 4, "belagda", "occupied_within_capacity"),
        ("vardplatslage_2024-04.csv", 2, "avdelnings_id", "ward_registered"),
    ]


def test_a_new_month_touches_only_its_partition_and_a_redelivery_replaces_it(site):
    organisation(site)
    line = "{m};100000{i};19-VC-003;Distriktssköterska;tillsvidare;{fte};160;0;N;\n"
    site.write_source(
        "staffing",
        "personal_2024-01.csv",
        STAFFING_HEADER + "".join(line.format(m="2024-01", i=i, fte="1,0") for i in range(3)),
    )
    first = site.load_regional()
    assert first.success
    site.write_source(
        "staffing",
        "personal_2024-02.csv",
        STAFFING_HEADER + "".join(line.format(m="2024-02", i=i, fte="1,0") for i in range(4)),
    )
    assert site.load_regional().success
    # January was not touched: same rows, same load run
    assert site.query("SELECT count(*), any_value(load_run) FROM raw.staffing WHERE period = '2024-01'") == [
        (3, first.run_id)
    ]
    # January re-delivered under a new name with corrected FTE: it replaces January only
    corrected = site.write_source(
        "staffing",
        "personal_2024-01_rattad.csv",
        STAFFING_HEADER + "".join(line.format(m="2024-01", i=i, fte="0,5") for i in range(2)),
    )
    os.utime(corrected, (corrected.stat().st_mtime + 10,) * 2)
    assert site.load_regional().success
    assert site.query("SELECT period, sum(fte), sum(employee_months) FROM core.staff_fte GROUP BY 1 ORDER BY 1") == [
        ("2024-01", 1.0, 2),
        ("2024-02", 4.0, 4),
    ]
    # loading everything again changes nothing
    before = site.query("SELECT * FROM raw.staffing ORDER BY ALL")
    again = site.load_regional()
    assert again.success and site.query("SELECT * FROM raw.staffing ORDER BY ALL") == before
    assert again.asset_materializations_for_node("raw__staffing")[0].metadata["files_loaded"].value == 0


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "period;enhets_id;yrke\n2024-01;19-VC-003;Läkare\n",
            "required column(s) missing: anställningsnummer, anställningsform, sysselsättningsgrad",
        ),
        (
            STAFFING_HEADER.replace("inhyrd", "lön") + "2024-01;1;19-VC-003;Chef;tillsvidare;1;1;0;1;x\n",
            "row 1, column 'lön': unexpected column",
        ),
        (
            STAFFING_HEADER + "2024-01;1;19-VC-003;Chef;tillsvidare;1;1;0;N\n",
            "the line has 9 fields where a staffing row has 10",
        ),
    ],
)
def test_an_unreadable_staffing_file_fails_with_one_clear_line(site, text, expected):
    organisation(site)
    site.write_source("staffing", "personal_bad.csv", text)
    result = site.load_regional()
    assert not result.success
    message = failure_message(result)
    assert "personal_bad.csv" in message and expected in message, message


def test_csv_and_parquet_of_the_same_rows_load_alike(site, tmp_path):
    organisation(site)
    text = BEDS_HEADER + "2024-03-30;19-AVD-01;24;20;0;0;1;4\n2024-03-31;19-AVD-01;24;21;0;1;1;3\n"
    csv_path = site.write_source("beds", "a.csv", text)
    assert site.load_regional().success
    from_csv = site.query("SELECT * EXCLUDE (synthetic) FROM core.bed_days ORDER BY ALL")
    table = pacsv.read_csv(csv_path, parse_options=pacsv.ParseOptions(delimiter=";"))
    os.remove(csv_path)
    other = type(site)(tmp_path / "other")
    organisation(other)
    (other.landing / "beds").mkdir()
    pq.write_table(table, other.landing / "beds" / "a.parquet")
    assert other.load_regional().success
    assert other.query("SELECT * EXCLUDE (synthetic) FROM core.bed_days ORDER BY ALL") == from_csv


def test_cp1252_with_characters_latin1_lacks_is_transcoded(site):
    # '–' (en dash) and '€' are bytes 0x96 and 0x80 in cp1252 but control characters in latin-1
    text = ORGANISATION.replace("Vårdcentral Viksäng-Bäckby", "Vårdcentral Viksäng – Bäckby (€)")
    site.write_source("organisation", "enheter.csv", text, encoding="cp1252")
    assert site.load_regional().success
    assert site.query("SELECT unit_name FROM core.units WHERE unit_id = '19-VC-003'") == [
        ("Vårdcentral Viksäng – Bäckby (€)",)
    ]
    assert site.query("SELECT encoding FROM raw.regional_files") == [("utf-8",)]
    assert not list(site.landing.rglob("vardpuls-utf8-*"))


def test_missing_codes_are_held_out_not_passed(site):
    """An empty code is no code: NULL must not slip through a NOT IN check into the facts."""
    organisation(site)
    site.write_source(
        "listings",
        "listning_2024-01.csv",
        "period;vårdcentral_id;åldersgrupp;kön;antal_listade\n"
        "2024-01;19-VC-003;;K;10\n2024-01;19-VC-003;0-5;;11\n2024-01;19-VC-003;0-5;K;12\n",
    )
    site.write_source(
        "staffing",
        "personal_2024-01.csv",
        STAFFING_HEADER + "2024-01;1000001;19-VC-003;Distriktssköterska;;1,0;160;0;N;\n",
    )
    site.write_source(
        "organisation",
        "extra.csv",
        ORGANISATION.splitlines()[0]
        + "\n"
        + "19-VC-777;Ny vårdcentral;;primärvård;;;1980;19-KS-1777;1;2024-01-01;;\n"
        + "19-AVD-01;Avdelning 41 Internmedicin;vårdavdelning;specialiserad somatisk vård;"
        "Västmanlands sjukhus Västerås;Internmedicin;1980;19-KS-2001;2;2015-01-01;;\n",
    )
    assert site.load_regional().success
    assert site.query("SELECT sum(listed) FROM core.listed_inhabitants") == [(12,)]
    assert site.query("SELECT count(*) FROM core.staff_fte") == [(0,)]
    assert site.query("SELECT source, source_file, source_row, column_name FROM core.quarantine ORDER BY ALL") == [
        ("listings", "listning_2024-01.csv", 2, "åldersgrupp"),
        ("listings", "listning_2024-01.csv", 3, "kön"),
        ("organisation", "extra.csv", 2, "enhetstyp"),
        ("organisation", "extra.csv", 3, "enhets_id"),
        ("staffing", "personal_2024-01.csv", 2, "anställningsform"),
    ]
