"""Comments on the goals: what the region says about a goal's progress, kept as data beside the registry.

One YAML file per region in ``goals/comments/`` (or the folder ``VARDPULS_COMMENTS`` names), each comment
naming its goal, the area (default: the region), a date, its author and the text. The report shows the
comment under the goal with its author and date. A file that cannot be used is refused with the file, the
comment and the field, like a goal file.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import yaml

from pipelines.goals.registry import GOALS_DIR, Goal, GoalRegistryError, _text
from pipelines.settings import PROJECT_ROOT
from pipelines.yaml_files import parse_yaml

COMMENTS_DIR = GOALS_DIR / "comments"
# The columns of core.goal_comments (one row per comment, Comment.as_row).
COMMENT_SCHEMA = pa.schema(
    [
        ("goal_id", pa.string()),
        ("region_code", pa.string()),
        ("area_code", pa.string()),
        ("comment_date", pa.date32()),
        ("author", pa.string()),
        ("text", pa.string()),
        ("comments_file", pa.string()),
    ]
)
COMMENT_FIELDS = {"goal", "area", "date", "author", "text"}
MAX_TEXT = 2000


class CommentError(GoalRegistryError):
    """A comment file that cannot be used: names the file, the comment and the field."""


@dataclass(frozen=True)
class Comment:
    goal_id: str
    region_code: str
    area_code: str
    comment_date: dt.date
    author: str
    text: str
    comments_file: str

    def as_row(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def comments_dir() -> Path:
    """``VARDPULS_COMMENTS``, else ``goals/comments/``."""
    return Path(os.environ.get("VARDPULS_COMMENTS") or COMMENTS_DIR).resolve()


def load_comments(goals: list[Goal], folder: Path | None = None) -> list[Comment]:
    """Every comment of every ``*.yaml`` in ``folder``, checked against the goal registry. No folder or no
    file: no comments (they are optional)."""
    folder = folder or comments_dir()
    by_id = {goal.id: goal for goal in goals}
    comments: list[Comment] = []
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        for comment in _load_file(path, by_id):
            key = (comment.goal_id, comment.area_code)
            if key in seen:
                raise CommentError(
                    f"{comment.comments_file}: goal '{comment.goal_id}' (area {comment.area_code}) "
                    f"has a comment already in {seen[key]}: one comment per goal and area"
                )
            seen[key] = comment.comments_file
            comments.append(comment)
    return comments


def _load_file(path: Path, goals: dict[str, Goal]) -> list[Comment]:
    where = path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else str(path)
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CommentError(f"{where}: not valid YAML: {error}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("comments"), list):
        raise CommentError(f"{where}: expected a mapping with region and comments (a list)")
    region = _text(doc.get("region"))
    if region not in {goal.region_code for goal in goals.values()}:
        raise CommentError(
            f"{where}: field 'region': '{region}' has no goals in the registry (goals/*.yaml); "
            "quote the code so the leading zero stays"
        )
    return [_comment(where, number, entry, region, goals) for number, entry in enumerate(doc["comments"], start=1)]


def _comment(where: str, number: int, entry, region: str, goals: dict[str, Goal]) -> Comment:
    def fail(field: str, message: str) -> CommentError:
        return CommentError(f"{where}: comment {number}: field '{field}': {message}")

    if not isinstance(entry, dict):
        raise CommentError(f"{where}: comment {number}: expected a mapping of fields")
    if unknown := sorted(set(entry) - COMMENT_FIELDS):
        raise fail(unknown[0], f"not a comment field (the fields are {', '.join(sorted(COMMENT_FIELDS))})")
    goal = goals.get(_text(entry.get("goal")))
    if goal is None:
        raise fail("goal", f"'{_text(entry.get('goal'))}' is not a goal of the registry")
    if goal.region_code != region:
        raise fail("goal", f"'{goal.id}' is region {goal.region_code}'s goal, not region {region}'s")
    area = _text(entry.get("area")) or region
    if area not in goal.areas:
        raise fail("area", f"'{area}' is not an area the goal follows ({', '.join(goal.areas)})")
    date = entry.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            pass
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise fail("date", f"must be a date such as 2025-03-01, not {entry.get('date')!r}")
    author = _text(entry.get("author"))
    if not author:
        raise fail("author", "missing: who wrote the comment (name and role)")
    text = " ".join(_text(entry.get("text")).split())
    if not text:
        raise fail("text", "missing: the comment itself")
    if len(text) > MAX_TEXT:
        raise fail("text", f"{len(text)} characters; a comment is at most {MAX_TEXT}")
    return Comment(
        goal_id=goal.id,
        region_code=region,
        area_code=area,
        comment_date=date,
        author=author,
        text=text,
        comments_file=where,
    )
