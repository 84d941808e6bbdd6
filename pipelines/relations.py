"""Relation files: ``sql/<layer>/<name>.sql`` defines the relation ``<layer>.<name>`` as one SELECT.

A relation file holds exactly one statement, a ``SELECT`` (or ``WITH … SELECT``): the runner
(:mod:`pipelines.incremental`) creates the table and fills it. Its header, the comment lines before
the statement, says what it is and how it is kept:

    -- core.staff_fte: FTE (årsarbetare) by month, unit, profession …      first line: the description
    -- more lines of description …
    -- partition: period month                                           optional, see below
    -- lookback: 1                                                       optional, see below

``partition: <column> <grain>`` names the output column that cuts the relation into partitions and
its grain (``day`` 'YYYY-MM-DD', ``month`` 'YYYY-MM', ``year`` 'YYYY'; the column may hold a finer
period than its grain, e.g. a year partition of months and years, which is read as its prefix). Only
the partitions that the upstream changes touch are recomputed. Without it the relation is rebuilt
whole whenever anything it reads changes. ``lookback: n`` says a partition also reads the ``n``
partitions before it (a yearly turnover reads last December), so a change there touches it too.

Dependencies are the relations the statement names (``staging.staffing``, ``'raw.listings'`` in a
table macro's argument, ``core.units``): nothing else lists them. Macros it calls are part of its
definition (:func:`definition_hash`), so changing a macro recomputes what uses it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pipelines.settings import SQL_DIR

# The layers whose files are relations, in the order data flows through them.
LAYERS = ("staging", "core", "indicators", "goals", "publish")
SCHEMAS = ("raw", "staging", "core", "indicators", "goals", "publish")
GRAINS = {"day": 10, "month": 7, "year": 4}
# Files of macros, created on every connection (pipelines.warehouse.register_macros). sql/staging/macros.sql holds
# the parsing and privacy macros the raw loaders use too.
MACRO_FILES = ("staging/macros.sql", "statistics/macros.sql", "macros/*.sql")
# Not relations of the graph: tables the macro files create for their own use (the statistics' reference tables),
# and the regional sources' shared file register, which month_gaps reads for a source its caller reads anyway.
LIBRARY_RELATIONS = frozenset({"core.esp2013", "core.poisson_exact_limits", "raw.regional_files"})

_REFERENCE = re.compile(r"\b(" + "|".join(SCHEMAS) + r")\.([a-z_][a-z0-9_]*)\b")
_MACRO_DEFINITION = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
_DIRECTIVE = re.compile(r"--\s*(partition|lookback):\s*(.+?)\s*$")


class RelationFileError(ValueError):
    """A relation file that cannot be used: names the file and what is wrong."""


@dataclass(frozen=True)
class Partitioning:
    column: str
    grain: str

    @property
    def width(self) -> int:
        return GRAINS[self.grain]

    def key_sql(self, column_sql: str | None = None) -> str:
        """SQL for a row's partition key: the period cut to the grain ('' where the period is missing)."""
        return f"coalesce(left(CAST({column_sql or _quote(self.column)} AS VARCHAR), {self.width}), '')"


@dataclass(frozen=True)
class RelationFile:
    path: Path
    layer: str
    name: str
    description: str
    select: str  # the statement, without its header
    partitioning: Partitioning | None
    lookback: int
    references: tuple[str, ...]  # 'schema.name' of every relation it reads, sorted

    @property
    def relation(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


@lru_cache(maxsize=4096)
def strip_comments(sql: str) -> str:
    """The SQL without -- comments (string literals kept: a table macro's argument names a relation)."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch == "'":
            end = i + 1
            while end < n:
                if sql[end] == "'" and (end + 1 >= n or sql[end + 1] != "'"):
                    break
                end += 2 if sql[end] == "'" else 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif sql.startswith("--", i):
            while i < n and sql[i] != "\n":
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def references(sql: str) -> tuple[str, ...]:
    """Every 'schema.name' the SQL reads, comments left out."""
    return tuple(sorted({f"{m[1]}.{m[2]}" for m in _REFERENCE.finditer(strip_comments(sql))}))


def parse_relation_file(path: Path, layer: str) -> RelationFile:
    text = path.read_text(encoding="utf-8")
    where = _display(path)
    lines = text.splitlines()
    header = []
    for line in lines:
        if line.startswith("--"):
            header.append(line)
        elif line.strip():
            break
    if not header:
        raise RelationFileError(f"{where}: the first line must describe the relation ('-- {layer}.{path.stem}: …')")
    description = header[0].removeprefix("--").strip()
    prefix = f"{layer}.{path.stem}:"
    if layer != "publish":
        if not description.startswith(prefix):
            raise RelationFileError(f"{where}: the first line must start with '-- {prefix}'")
        description = description[len(prefix) :].strip()
    partitioning, lookback = None, 0
    for line in header[1:]:
        match = _DIRECTIVE.match(line)
        if not match:
            continue
        key, value = match[1], match[2]
        if key == "partition":
            parts = value.split()
            if len(parts) != 2 or parts[1] not in GRAINS:
                raise RelationFileError(
                    f"{where}: 'partition:' takes a column and a grain ({', '.join(GRAINS)}), found {value!r}"
                )
            partitioning = Partitioning(parts[0], parts[1])
        elif key == "lookback":
            if not value.isdigit():
                raise RelationFileError(f"{where}: 'lookback:' takes a whole number of partitions, found {value!r}")
            lookback = int(value)
    statements = _statements(text)
    if len(statements) != 1:
        raise RelationFileError(f"{where}: a relation file holds one statement (a SELECT); found {len(statements)}")
    body = strip_comments(statements[0]).strip()
    if not re.match(r"(?is)^\s*(WITH|SELECT|FROM)\b", body):
        raise RelationFileError(f"{where}: the statement must be a SELECT (the runner creates the table)")
    own = f"{layer}.{path.stem}"
    return RelationFile(
        path=path,
        layer=layer,
        name=path.stem,
        description=description,
        select=body,
        partitioning=partitioning,
        lookback=lookback,
        references=tuple(r for r in reads(body) if r != own),
    )


@cache
def relation_files(layer: str, sql_dir: Path = SQL_DIR) -> dict[str, RelationFile]:
    """The relation files of one layer by name (``sql/<layer>/*.sql``; ``macros.sql`` there holds macros)."""
    folder = sql_dir / layer
    return {
        path.stem: parse_relation_file(path, layer)
        for path in sorted(folder.glob("*.sql"))
        if path.name != "macros.sql"
    }


def macro_paths(sql_dir: Path = SQL_DIR) -> list[Path]:
    return [path for pattern in MACRO_FILES for path in sorted(sql_dir.glob(pattern))]


@cache
def macros(sql_dir: Path = SQL_DIR) -> dict[str, str]:
    """macro name -> the statement defining it, for every macro file."""
    found = {}
    for path in macro_paths(sql_dir):
        for statement in _statements(path.read_text(encoding="utf-8")):
            if match := _MACRO_DEFINITION.search(statement):
                found[match[1].lower()] = statement
    return found


def macros_used(*texts: str, sql_dir: Path = SQL_DIR) -> set[str]:
    """Every macro the texts call, and the macros those call, by name."""
    return set(_macros_used(texts, sql_dir))


@lru_cache(maxsize=4096)
def _macros_used(texts: tuple[str, ...], sql_dir: Path) -> frozenset[str]:
    defined = macros(sql_dir)
    calls = _macro_calls(sql_dir)
    used: set[str] = set()
    pending = [strip_comments(text).lower() for text in texts]
    while pending:
        for name in set(calls.findall(pending.pop())) - used:
            used.add(name)
            pending.append(strip_comments(defined[name]).lower())
    return frozenset(used)


@cache
def _macro_calls(sql_dir: Path) -> re.Pattern:
    """A call of any macro the macro files define (its name, a word of its own, then an opening bracket)."""
    names = sorted(macros(sql_dir), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\s*\(" if names else r"(?!)")


def reads(*texts: str, sql_dir: Path = SQL_DIR) -> tuple[str, ...]:
    """Every relation the texts read, also through the macros they call; the macros' own tables left out."""
    defined = macros(sql_dir)
    bodies = [*texts, *(defined[name] for name in macros_used(*texts, sql_dir=sql_dir))]
    return tuple(sorted({ref for body in bodies for ref in references(body)} - LIBRARY_RELATIONS))


def definition_hash(*texts: str, sql_dir: Path = SQL_DIR) -> str:
    """A fingerprint of a definition: its texts and the macros they call."""
    defined = macros(sql_dir)
    digest = hashlib.sha256()
    for text in (*texts, *(defined[name] for name in sorted(macros_used(*texts, sql_dir=sql_dir)))):
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def _statements(text: str) -> list[str]:
    """The statements of a SQL file, split at semicolons outside strings and comments."""
    out, current, i, n = [], [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            end = text.find("'", i + 1)
            while end != -1 and end + 1 < n and text[end + 1] == "'":
                end = text.find("'", end + 2)
            end = n - 1 if end == -1 else end
            current.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            current.append(text[i:end])
            i = end
        elif ch == ";":
            out.append("".join(current).strip())
            current, i = [], i + 1
        else:
            current.append(ch)
            i += 1
    if "".join(current).strip():
        out.append("".join(current).strip())
    return [s for s in out if s]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _display(path: Path) -> str:
    try:
        return path.relative_to(SQL_DIR.parent).as_posix()
    except ValueError:
        return str(path)
