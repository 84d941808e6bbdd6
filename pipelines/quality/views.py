"""GX Data Docs page views that open offline (the SiteBuilder's ``view`` classes, see docs.py).

GX's templates load Bootstrap, jQuery, bootstrap-table, Font Awesome and Vega from CDNs and fill the
index table from JavaScript. These views put the templates in ``data_docs/`` in front of GX's own
(a static index table, no scripts, a local logo, a small stylesheet) and drop any remaining tag that
would load a remote resource, so the site is plain static HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import ChoiceLoader, FileSystemLoader

TEMPLATES = Path(__file__).with_name("data_docs")
REMOTE_TAG = re.compile(r"""<script\b[^>]*\bsrc=["']https?://[^>]*>\s*</script>"""
                        r"""|<(?:link|img)\b[^>]*\b(?:href|src)=["']https?://[^>]*>""", re.IGNORECASE)


class _Offline:
    env: object

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), self.env.loader])

    def render(self, document, template=None, **kwargs):
        return REMOTE_TAG.sub("", super().render(document, template, **kwargs))


class OfflinePageView(_Offline, DefaultJinjaPageView):
    """Validation result and expectation suite pages."""


class OfflineIndexPageView(_Offline, DefaultJinjaIndexPageView):
    """The site index."""
