"""The indicator catalogue: every entry complete, and a broken entry refused with its file and field."""

import shutil

import pytest

from pipelines.indicators.catalogue import CatalogueError, load_catalogue
from pipelines.settings import CATALOGUE_DIR

FIRST_INDICATORS = {"population_total", "population_share_65plus", "population_share_80plus", "dependency_ratio"}


def test_the_first_indicators_are_catalogued_completely():
    catalogue = {i.id: i for i in load_catalogue()}
    assert FIRST_INDICATORS <= catalogue.keys()
    for indicator in catalogue.values():
        for field in ("title", "definition", "numerator", "denominator", "unit"):
            assert getattr(indicator, field)["sv"] and getattr(indicator, field)["en"], (indicator.id, field)
        assert indicator.sql_path.is_file()
    assert catalogue["dependency_ratio"].kind == "ratio" and catalogue["dependency_ratio"].scale == 1
    assert catalogue["population_share_80plus"].scale == 100


@pytest.mark.parametrize("edit, message", [
    (lambda text: text.replace("  en: Share of the population aged 65 and over\n", ""),
     "field 'title' needs a 'en' text"),
    (lambda text: text.replace("polarity: no_judgement", "polarity: up"), "polarity 'up' is not one of"),
    (lambda text: text.replace("sql: sql/indicators/population_share_65plus.sql", "sql: sql/indicators/nope.sql"),
     "sql file 'sql/indicators/nope.sql' does not exist"),
    (lambda text: text.replace("version: 1\n", ""), "field 'version' is missing"),
    (lambda text: text.replace("id: population_share_65plus", "id: share65"), "must equal the file name"),
])
def test_a_broken_entry_is_refused_with_file_and_field(tmp_path, edit, message):
    source = CATALOGUE_DIR / "population_share_65plus.yaml"
    broken = tmp_path / source.name
    broken.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogueError, match="population_share_65plus.yaml") as error:
        load_catalogue(tmp_path)
    assert message in str(error.value)
