"""The Data Docs (pipelines/quality/docs.py, views.py) open offline with GX's look, in a real headless Chromium.

Three validations are written: organisation with a failed warning rule whose failing row carries a hostile
unit id, cost with a failed blocking rule, and cost clean. Every page's scripts, styles, fonts and images are
files of the site itself; the pages load without a console error; Bootstrap's styles and Font Awesome's font
apply; the "Failed Only" filter hides the passed rules and "Show All" brings them back; the warning is shown
as a warning (on its page and in the index) and the hostile value is text, never markup.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pipelines.quality.docs import write_data_docs
from tests.test_quality_runner import SUITES, clean_warehouse, copy_of, validate  # noqa: F401 (a fixture)
from tests.test_report import _console_errors, _run_chromium, chromium  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

HOSTILE = "<script>alert(1)</script>"
PASSED_WITH_WARNINGS = "Passed with warnings"


@pytest.fixture(scope="module")
def site(clean_warehouse, tmp_path_factory) -> Path:  # noqa: F811
    """The Data Docs of a warning, a blocking failure and a clean validation; the site's index.html."""
    organisation = copy_of(clean_warehouse, "organisation")
    organisation.execute(
        "UPDATE staging.organisation SET hospital = NULL, unit_id = ? WHERE rowid = (SELECT min(rowid) "
        "FROM staging.organisation WHERE unit_type = 'vårdavdelning')",
        [HOSTILE],
    ).fetchall()
    warned = validate(organisation, "organisation")
    assert [(r.rule, r.severity) for r in warned.failed] == [("ward_has_hospital", "warning")]
    clean = validate(copy_of(clean_warehouse, "cost"), "cost")
    broken = copy_of(clean_warehouse, "cost")
    broken.execute("UPDATE staging.cost SET account = NULL WHERE source_row = 2").fetchall()
    failed = validate(broken, "cost")
    assert [r.severity for r in failed.failed] == ["blocking"] and clean.failed == []
    return write_data_docs([warned, failed, clean], tmp_path_factory.mktemp("docs") / "quality")


def pages(index: Path) -> dict[str, Path]:
    root = index.parent
    found = {
        "index": index,
        "organisation": next((root / "validations" / "organisation").rglob("*.html")),
        "expectations": root / "expectations" / "organisation.html",
    }
    for page in (root / "validations" / "cost").rglob("*.html"):
        failed = 'aria-hidden="true"></i> Failed' in page.read_text(encoding="utf-8")
        found["cost failed" if failed else "cost passed"] = page
    assert len(found) == 5
    return found


class References(HTMLParser):
    """Every address a page loads: script src, link href, img src."""

    def __init__(self):
        super().__init__()
        self.loaded = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.loaded.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.loaded.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.loaded.append(attrs["src"])


def test_every_file_a_page_loads_is_in_the_site(site):
    root = site.parent
    for name, page in pages(site).items():
        parser = References()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.loaded, name
        for address in parser.loaded:
            assert not urlsplit(address).scheme, f"{name} loads {address} from the network"
            target = (page.parent / unquote(address)).resolve()
            assert target.is_file() and target.is_relative_to(root), f"{name}: {address} is not a file of the site"
        # GX's own styles first, then Bootstrap, Font Awesome, jQuery before Bootstrap's scripts
        order = [a.rsplit("/", 1)[-1] for a in parser.loaded if "vendor" in a]
        assert order == [
            "bootstrap.min.css",
            "fontawesome.min.css",
            "solid.min.css",
            "jquery.min.js",
            "bootstrap.bundle.min.js",
        ], (name, order)
    fonts = (root / "static" / "vendor" / "fontawesome-free-6.6.0" / "css" / "solid.min.css").read_text()
    assert "../webfonts/fa-solid-900.woff2" in fonts
    assert (root / "static" / "vendor" / "fontawesome-free-6.6.0" / "webfonts" / "fa-solid-900.woff2").is_file()


def test_the_hostile_value_is_text_and_the_warning_a_warning(site):
    found = pages(site)
    organisation = found["organisation"].read_text(encoding="utf-8")
    assert HOSTILE not in organisation and "&lt;script&gt;alert(1)&lt;/script&gt;" in organisation
    # the warning rule's row: a warning sign, not a red cross; the page says it passed with warnings
    row = organisation[
        organisation.index("rule ward_has_hospital") - 1500 : organisation.index("rule ward_has_hospital")
    ]
    assert "fa-exclamation-triangle text-warning" in row and "fa-times" not in row
    assert (
        f'Status:</span> <i class="fas fa-exclamation-triangle text-warning" aria-hidden="true"></i> '
        f"{PASSED_WITH_WARNINGS}" in organisation
    )
    failed = found["cost failed"].read_text(encoding="utf-8")
    assert 'Status:</span> <i class="fas fa-times text-danger" aria-hidden="true"></i> Failed' in failed
    index = site.read_text(encoding="utf-8")
    name_of = {page.resolve(): name for name, page in found.items()}
    statuses = {
        name_of[(site.parent / unquote(link)).resolve()]: cell
        for link, cell in re.findall(r'<tr><td><a href="(validations/[^"]+)">(.*?)</a></td>', index, flags=re.S)
    }
    assert set(statuses) == {"organisation", "cost failed", "cost passed"}
    assert PASSED_WITH_WARNINGS in statuses["organisation"] and "fa-exclamation-triangle" in statuses["organisation"]
    assert "fa-times text-danger" in statuses["cost failed"] and "fa-check-circle" in statuses["cost passed"]


HARNESS = """
<pre id="vardpuls-test"></pre>
<script>
window.addEventListener('load', function () {
  function visible(el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length); }
  function rows(selector) { return Array.from(document.querySelectorAll(selector)).map(function (td) {
      return td.closest('tr'); }); }
  var out = {jquery: typeof window.jQuery, bootstrapModal: !!(window.jQuery && jQuery.fn.modal)};
  var table = document.querySelector('table.table');
  out.tableCollapse = table ? getComputedStyle(table).borderCollapse : null;
  out.tableWidth = table ? getComputedStyle(table).width : null;
  var button = document.querySelector('.btn-primary:not(.active)');
  out.buttonBackground = button ? getComputedStyle(button).backgroundColor : null;
  var icon = document.querySelector('i.fas');
  out.iconFont = icon ? getComputedStyle(icon, '::before').fontFamily : null;
  document.fonts.ready.then(function () {
    out.iconFontLoaded = document.fonts.check('900 16px "Font Awesome 6 Free"');
    var passed = rows('.hide-succeeded-validation-target-child');
    var marked = rows('td i.fa-exclamation-triangle, td i.fa-times').filter(function (r) { return r; });
    out.passedRows = passed.length;
    out.passedVisibleBefore = passed.filter(visible).length;
    var failedOnly = document.querySelector('label[onclick="hideSucceededValidations()"]');
    if (!failedOnly) { document.getElementById('vardpuls-test').textContent = JSON.stringify(out); return; }
    // the filter fades rows out over 400 ms with animation frames, which a headless page without a screen does not
    // run through: jQuery's switch for animations off makes each fade end at once, in its final state
    jQuery.fx.off = true;
    failedOnly.click();
    setTimeout(function () {
      out.passedVisibleFailedOnly = passed.filter(visible).length;
      out.markedVisibleFailedOnly = marked.filter(visible).length;
      out.markedRows = marked.length;
      out.failedOnlyActive = failedOnly.classList.contains('active');
      document.querySelector('label[onclick="showAllValidations()"]').click();
      setTimeout(function () {
        out.passedVisibleShowAll = passed.filter(visible).length;
        document.getElementById('vardpuls-test').textContent = JSON.stringify(out);
      }, 1500);
    }, 1500);
  });
});
</script>
"""


def in_chromium(binary: str, page: Path, profile: Path) -> tuple[dict, str]:
    """The page with the harness above appended, opened in headless Chromium: what the harness measured, and the
    DOM as rendered."""
    harness = page.with_name(page.stem + ".harness.html")
    harness.write_text(page.read_text(encoding="utf-8").replace("</body>", HARNESS + "</body>"), encoding="utf-8")
    try:
        result = _run_chromium(binary, profile, "--virtual-time-budget=20000", "--dump-dom", harness.as_uri())
    finally:
        harness.unlink()
    found = re.search(r'<pre id="vardpuls-test">(.*?)</pre>', result.stdout, flags=re.S)
    assert found and found[1], result.stderr[-3000:]
    return json.loads(found[1].replace("&quot;", '"')), result.stdout


def test_the_pages_load_without_a_console_error(site, chromium, tmp_path):  # noqa: F811
    for name, page in pages(site).items():
        result = _run_chromium(
            chromium,
            tmp_path / f"profile-{name.replace(' ', '-')}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        )
        assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-3000:]
        assert _console_errors(result.stderr) == [], (name, _console_errors(result.stderr))


def test_bootstrap_and_font_awesome_apply_and_the_filter_hides_the_passed_rules(site, chromium, tmp_path):  # noqa: F811
    measured, dom = in_chromium(chromium, pages(site)["organisation"], tmp_path / "profile")
    assert measured["jquery"] == "function" and measured["bootstrapModal"]
    # a browser's own table is border-collapse: separate and as wide as its content; Bootstrap's .table collapses
    # its borders; .btn-primary is Bootstrap's blue
    assert measured["tableCollapse"] == "collapse"
    assert measured["buttonBackground"] == "rgb(0, 123, 255)"
    assert "Font Awesome 6 Free" in measured["iconFont"] and measured["iconFontLoaded"]
    assert measured["passedRows"] > 10 and measured["passedVisibleBefore"] == measured["passedRows"]
    assert measured["passedVisibleFailedOnly"] == 0 and measured["failedOnlyActive"]
    assert measured["markedRows"] == 1 and measured["markedVisibleFailedOnly"] == 1  # the warning stays in view
    assert measured["passedVisibleShowAll"] == measured["passedRows"]
    # the hostile id is a text in a cell of the rendered page, and no script of the page holds it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", dom, flags=re.S)
    assert not [s for s in scripts if "alert(1)" in s]


def test_the_index_is_styled_too(site, chromium, tmp_path):  # noqa: F811
    measured, dom = in_chromium(chromium, site, tmp_path / "profile")
    assert measured["tableCollapse"] == "collapse" and measured["iconFontLoaded"]
    assert dom.count("ge-static-table") == 2 and dom.count(PASSED_WITH_WARNINGS) == 1
