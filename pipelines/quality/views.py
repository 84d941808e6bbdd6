"""GX Data Docs page views that open offline, styled, with every value from the data escaped (docs.py uses them).

GX's templates load Bootstrap, jQuery and Font Awesome from CDNs. These views keep GX's pages as
they are and point those links at copies shipped in ``static/`` (``static/README.md``: versions,
licences), which docs.py puts in the site as ``static/vendor/``; any other remote tag is dropped,
so nothing is fetched. With jQuery and Bootstrap there, GX's "Failed Only" filter works.

Before a page is rendered its content is corrected in two ways:

- every text cell of every table is HTML-escaped: GX puts table cells that are plain strings
  (the failing values, their file and row) into the page as they are, so a value such as
  ``<script>…</script>`` in a delivered file would run; here it is shown as text;
- a failed rule of severity ``warning`` (its description ends ``(warning, rule <id>)``, see
  suites.py) is shown as a warning, with a yellow warning sign instead of the red cross, and a
  validation whose failed rules are all warnings says "Passed with warnings" (the site index the
  same, from the ``verdicts`` docs.py passes).

The templates in ``data_docs/`` come before GX's own: a static index table, the logo and the
favicon from the site itself, no newsletter footer, a few styles of our own.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from pathlib import Path

from great_expectations.render.components import RenderedContent, RenderedTableContent
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import ChoiceLoader, FileSystemLoader

TEMPLATES = Path(__file__).with_name("data_docs")
VENDOR = Path(__file__).with_name("static")
VENDOR_IN_SITE = "static/vendor/"
# the CDN files GX's templates name -> our copies (docs.py puts them in the site's static/vendor/)
LOCAL_FILES = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": ["bootstrap-4.3.1/bootstrap.min.css"],
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": [
        "fontawesome-free-6.6.0/css/fontawesome.min.css",
        "fontawesome-free-6.6.0/css/solid.min.css",
    ],
    "https://code.jquery.com/jquery-3.7.1.min.js": ["jquery-3.7.1/jquery.min.js"],
    # Bootstrap's bundle carries Popper, which GX loads on its own just before it
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": [
        "bootstrap-4.3.1/bootstrap.bundle.min.js"
    ],
}
REMOTE_TAG = re.compile(
    r"""<script\b[^>]*\bsrc=["'](https?://[^"']*)["'][^>]*>\s*</script>"""
    r"""|<(?:link|img)\b[^>]*\b(?:href|src)=["'](https?://[^"']*)["'][^>]*>""",
    re.IGNORECASE,
)
WARNING_RULE = re.compile(r"\(warning, rule [A-Za-z0-9_]+\)")
FAILED_ICON = "fa-times"
WARNING_ICON = ["fas", "fa-exclamation-triangle", "text-warning", "ge-warning-icon"]
WARNING_HTML = '<i class="fas fa-exclamation-triangle text-warning" aria-hidden="true"></i>'
PASSED_WITH_WARNINGS = "Passed with warnings"


class _Offline:
    env: object

    def __init__(self, *args, verdicts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), self.env.loader])
        verdicts = dict(verdicts or {})
        self.env.filters["vardpuls_verdict"] = lambda link: verdicts.get(validation_key(link))
        self.env.globals["vardpuls_warning_icon"] = WARNING_HTML + " " + PASSED_WITH_WARNINGS

    def render(self, document, template=None, **kwargs):
        verdict = correct(document)
        if verdict == "warning":
            _passed_with_warnings(document)
        page = super().render(document, template, **kwargs)
        return localise(page, static_prefix(document))


class OfflinePageView(_Offline, DefaultJinjaPageView):
    """Validation result and expectation suite pages."""


class OfflineIndexPageView(_Offline, DefaultJinjaIndexPageView):
    """The site index."""


def static_prefix(document) -> str:
    """The way from a page up to the site's root folder (validation pages sit in validations/<suite>/<run>/<time>/)."""
    renderer = getattr(document, "renderer_type", "") or ""
    dots = (getattr(document, "expectation_suite_name", None) or "").count(".")
    if "ValidationResults" in renderer or "ProfilingResults" in renderer:
        return "../" * (dots + 4)
    if "ExpectationSuite" in renderer:
        return "../" * (dots + 1)
    return ""


def localise(page: str, prefix: str) -> str:
    """Every CDN tag of GX's pages replaced by a tag for our copy, or dropped when nothing on the pages needs it."""

    def replace(match: re.Match) -> str:
        url = match[1] or match[2]
        tags = []
        for local in LOCAL_FILES.get(url, []):
            address = html.escape(prefix + VENDOR_IN_SITE + local)
            tags.append(
                f'<script src="{address}"></script>'
                if local.endswith(".js")
                else f'<link rel="stylesheet" href="{address}">'
            )
        return "\n".join(tags)

    return REMOTE_TAG.sub(replace, page)


def validation_key(link: str) -> str:
    """``<suite parts>/<run name>/<run time>`` of a link to a validation page, as docs.py keys its verdicts."""
    path = urllib.parse.unquote(str(link or "")).replace("\\", "/")
    parts = path.split("/")
    if "validations" not in parts:
        return ""
    parts = parts[parts.index("validations") + 1 :]
    return "/".join(parts[:-1])


# --------------------------------------------------------------------------------- page corrections


def correct(document) -> str | None:
    """Escape the data in every table and mark failed warning rules as warnings (in place).

    Returns the page's verdict: ``failed`` (a rule that is not a warning failed), ``warning`` (only
    warnings failed), ``passed``, or None for a page without validation results.
    """
    state = {"failed": 0, "warnings": 0, "results": False}
    _walk(document, state)
    if not state["results"]:
        return None
    return "failed" if state["failed"] else ("warning" if state["warnings"] else "passed")


def _walk(node, state: dict) -> None:
    if isinstance(node, RenderedTableContent):
        if _is_results_table(node):
            state["results"] = True
            for row in node.table:
                _mark_row(row, state)
        for row in node.table or []:
            for index, cell in enumerate(row):
                if isinstance(cell, str):
                    row[index] = html.escape(cell, quote=False)
    if isinstance(node, RenderedContent):
        for value in vars(node).values():
            _walk(value, state)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk(value, state)
    elif isinstance(node, dict):
        for value in node.values():
            _walk(value, state)


def _is_results_table(table: RenderedTableContent) -> bool:
    header = [h if isinstance(h, str) else "" for h in (table.header_row or [])]
    return header[:2] == ["Status", "Expectation"]


def _mark_row(row: list, state: dict) -> None:
    """A results row of a failed rule: a warning rule's cross becomes a warning sign, its red text yellow."""
    if not row or not isinstance(row[0], RenderedContent):
        return
    icon = _icon_classes(row[0])
    if icon is None or FAILED_ICON not in icon:
        return
    if not any(WARNING_RULE.search(text) for text in _texts(row[1:2])):
        state["failed"] += 1
        return
    state["warnings"] += 1
    icon[:] = WARNING_ICON
    for cell in row[1:]:
        _recolour(cell)


def _texts(node):
    """Every string below ``node`` (templates, parameters, cells)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, RenderedContent):
        for value in vars(node).values():
            yield from _texts(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _texts(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)


def _icon_classes(content) -> list | None:
    template = getattr(content, "string_template", None) or {}
    icon = ((template.get("styling") or {}).get("params") or {}).get("icon") or {}
    classes = icon.get("classes")
    return classes if isinstance(classes, list) else None


def _recolour(node) -> None:
    """text-danger -> text-warning in every styling below ``node``."""
    if isinstance(node, RenderedContent):
        for value in vars(node).values():
            _recolour(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str) and value == "text-danger":
                node[index] = "text-warning"
            else:
                _recolour(value)
    elif isinstance(node, dict):
        for value in node.values():
            _recolour(value)


def _passed_with_warnings(node) -> None:
    """The overview's "Status: ✗ Failed" of a validation whose failed rules are all warnings."""
    if isinstance(node, RenderedContent):
        template = getattr(node, "string_template", None)
        if isinstance(template, dict) and "html_success_icon" in (template.get("params") or {}):
            template["params"]["html_success_icon"] = WARNING_HTML
            template["params"]["success"] = PASSED_WITH_WARNINGS
        for value in vars(node).values():
            _passed_with_warnings(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _passed_with_warnings(value)
    elif isinstance(node, dict):
        for value in node.values():
            _passed_with_warnings(value)
