"""The report's Jinja2 templates (``pipelines/report/templates/``), with the Swedish formatting helpers as filters.

Autoescaping is on for every template: every value from the data is escaped where it is written, in text and
in attributes alike, so an id such as ``<script>`` comes out as text. Only markup the templates made themselves
(a chart rendered by ``render_markup``) is passed on unescaped.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipelines.report import swedish

TEMPLATES = Path(__file__).resolve().parent / "templates"


def coordinate(x: float) -> str:
    """An SVG coordinate with one decimal (short, and never a long run of digits)."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: .html.j2 and .svg.j2 alike
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        number=swedish.number,
        value_text=swedish.value_text,
        ordinal=swedish.ordinal,
        stockholm=swedish.stockholm_time,
        rank_text=swedish.rank_with_interval,
        comparison=swedish.comparison_words,
        certainty=swedish.certainty_text,
        lower_first=swedish._lower_first,
        f=coordinate,
    )
    env.globals.update(
        STATUS_SV=swedish.STATUS_SV,
        COMPARISON_SV=swedish.COMPARISON_SV,
        QUINTILE_SV=swedish.QUINTILE_SV,
        TREND_SV=swedish.TREND_SV,
        POSITION_SV=swedish.POSITION_SV,
        SEX_SV=swedish.SEX_SV,
        MISSING=swedish.MISSING,
        SUPPRESSED=swedish.SUPPRESSED,
    )
    return env


def render_template(name: str, **context) -> str:
    """A template of templates/ rendered with the context."""
    return environment().get_template(name).render(**context)


def render_markup(name: str, **context) -> Markup:
    """A template rendered as markup to place in another template unescaped (it escaped its own values)."""
    return Markup(render_template(name, **context))
