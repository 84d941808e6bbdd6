"""Own indicators and their Kolada counterparts: `indicators/benchmarks.yaml`, checked before use."""

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from pipelines.settings import CATALOGUE_DIR, PROJECT_ROOT
from pipelines.yaml_files import parse_yaml

MAPPING_FILE = CATALOGUE_DIR / "benchmarks.yaml"
COMPARABLE = ("exact", "approximate")
FIELDS = ("indicator_id", "kpi_id", "comparable", "note")


class BenchmarkMappingError(ValueError):
    """An entry of benchmarks.yaml that cannot be used: names the file, the entry and the field."""


@dataclass(frozen=True)
class Benchmark:
    indicator_id: str
    kpi_id: str
    comparable: str
    note: str

    def as_row(self) -> dict:
        return asdict(self)


def load_benchmarks(path: Path | None = None) -> list[Benchmark]:
    """Every pair of the mapping file; a missing or empty field, or a pair listed twice, is an error."""
    path = path or MAPPING_FILE
    where = path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else str(path)
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BenchmarkMappingError(f"{where}: the file is missing (expected a list under 'benchmarks')") from None
    except yaml.YAMLError as error:
        raise BenchmarkMappingError(f"{where}: not valid YAML: {error}") from None
    entries = doc.get("benchmarks") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise BenchmarkMappingError(f"{where}: expected a list under 'benchmarks'")
    pairs, seen = [], {}
    for number, entry in enumerate(entries, start=1):
        at = f"{where}, entry {number}"
        if not isinstance(entry, dict):
            raise BenchmarkMappingError(f"{at}: expected a mapping with {', '.join(FIELDS)}")
        if unknown := sorted(set(entry) - set(FIELDS)):
            raise BenchmarkMappingError(f"{at}: unknown field(s) {unknown}; expected {', '.join(FIELDS)}")
        for field in FIELDS:
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise BenchmarkMappingError(f"{at}, field '{field}': missing or empty (expected text)")
        benchmark = Benchmark(**{field: entry[field].strip() for field in FIELDS})
        if not re.fullmatch(r"[a-z][a-z0-9_]*", benchmark.indicator_id):
            raise BenchmarkMappingError(
                f"{at}, field 'indicator_id': '{benchmark.indicator_id}' is not an "
                "indicator id (lower case letters, digits and _, as in indicators/*.yaml)"
            )
        if benchmark.comparable not in COMPARABLE:
            raise BenchmarkMappingError(
                f"{at}, field 'comparable': '{benchmark.comparable}' is not understood: "
                f"expected {' or '.join(COMPARABLE)}"
            )
        key = (benchmark.indicator_id, benchmark.kpi_id)
        if key in seen:
            raise BenchmarkMappingError(
                f"{at}: {benchmark.indicator_id} -> {benchmark.kpi_id} is already entry {seen[key]}"
            )
        seen[key] = number
        pairs.append(benchmark)
    return pairs


def unknown_kpis(benchmarks: list[Benchmark], known: set[str], path: Path | None = None) -> str | None:
    """A clear message for the first entry whose KPI is not a known Kolada KPI, else None."""
    where = path or MAPPING_FILE
    where = where.relative_to(PROJECT_ROOT).as_posix() if where.is_relative_to(PROJECT_ROOT) else str(where)
    for number, benchmark in enumerate(benchmarks, start=1):
        if benchmark.kpi_id not in known:
            return (
                f"{where}, entry {number}, field 'kpi_id': '{benchmark.kpi_id}' is not a known Kolada KPI "
                f"(the loaded pages describe {len(known)} KPIs, e.g. {', '.join(sorted(known)[:3])}); "
                "expected the id of a KPI in <landing>/kolada/ (a KPI that is simply not fetched needs its "
                "metadata page landed, as vardpuls fetch kolada writes it)"
            )
    return None


def pairs_to_compare(
    benchmarks: list[Benchmark], described: set[str], with_values: set[str], path: Path | None = None
) -> tuple[list[Benchmark], list[Benchmark]]:
    """(pairs to compare, pairs skipped because no value of their KPI is loaded).

    A landing area may hold any subset of Kolada's KPIs: a pair whose KPI has no loaded value is skipped, not
    refused. But when KPI metadata pages are loaded (``described``), a KPI that they do not describe and that
    no loaded value names is not a Kolada KPI (mistyped, or retired by Kolada): BenchmarkMappingError naming
    the entry. Without metadata pages the two cannot be told apart, and the pair is skipped.
    """
    if described and (message := unknown_kpis(benchmarks, described | with_values, path)):
        raise BenchmarkMappingError(message)
    return ([b for b in benchmarks if b.kpi_id in with_values], [b for b in benchmarks if b.kpi_id not in with_values])
