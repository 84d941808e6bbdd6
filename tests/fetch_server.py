"""A local HTTP server for the fetch tests: answers as Kolada's API v3 and SCB's PxWebApi 2.0 do, records
every request, and misbehaves on request (429, 500, a body cut short, garbage, links that loop).

Kolada (``<url>/kolada/v3``) answers from the real pages bundled in data/sample/kolada/: every value of
them, selected by the path (KPIs, areas, years), changed since ``from_date``, split into pages of
``per_page`` with ``next_url`` and ``previous_url``, and the KPI metadata of kpi.json; KPI group
G2KPI138906 has the 76 KPIs of kpi.json as members. SCB (``<url>/scb/api/v2``) answers ``/config`` and the
table metadata in tests/fixtures/fetch/scb/, and data for any selection of them, in JSON-stat 2.0 or
CSV: ``persons`` people in every cell of a municipality (1 unless a test says otherwise), a county the
sum of its municipalities. See tests/fixtures/fetch/README.md.
"""

from __future__ import annotations

import http.server
import json
import math
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.settings import PROJECT_ROOT

BUNDLED = PROJECT_ROOT / "data" / "sample" / "kolada"
SCB_FIXTURES = Path(__file__).parent / "fixtures" / "fetch" / "scb"
GROUP = "G2KPI138906"
GROUP_TITLE = "Öppna jämförelser hälso- och sjukvård (SKR)"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes

    def param(self, name: str) -> str | None:
        return (self.query.get(name) or [None])[0]

    def json(self):
        return json.loads(self.body)

    def ids(self, segment: str) -> list[str]:
        """The comma-separated ids after ``/<segment>/`` in the path."""
        parts = self.path.split("/")
        return parts[parts.index(segment) + 1].split(",") if segment in parts else []


@dataclass
class Fault:
    match: str  # part of the path (and query) that triggers it
    kind: str  # status, truncate, garbage
    status: int = 500
    headers: dict = field(default_factory=dict)
    body: bytes = b'{"message": "internal error"}'
    times: int = 1


class KoladaService:
    """Kolada's API v3, from the bundled real pages."""

    max_ids = 25

    def __init__(self, folder: Path = BUNDLED, page_cap: int = 5000):
        self.page_cap = page_cap  # the most values a page holds, whatever per_page asks
        self.entries: dict[tuple, dict] = {}  # (kpi, municipality, period, gender) -> entry, with "updated"
        for path in sorted(folder.glob("[NU]*.json")):
            for item in json.loads(path.read_text(encoding="utf-8"))["values"]:
                for entry in item["values"]:
                    key = (item["kpi"], item["municipality"], int(item["period"]), entry["gender"])
                    self.entries[key] = dict(entry, updated="2025-01-01", isdeleted=False)
        kpis = json.loads((folder / "kpi.json").read_text(encoding="utf-8"))["values"]
        self.kpis = {k["id"]: k for k in kpis}
        self.groups = {
            GROUP: {
                "id": GROUP,
                "title": GROUP_TITLE,
                "members": [{"member_id": k["id"], "member_title": k["title"]} for k in kpis],
            }
        }
        self.loop_at: int | None = None  # page whose next_url leads back to page 1

    def change(self, kpi: str, municipality: str, period: int, value: float | None, on: str, gender: str = "T"):
        entry = self.entries.setdefault(
            (kpi, municipality, period, gender), {"gender": gender, "count": 1, "status": ""}
        )
        entry.update(value=value, updated=on, isdeleted=False, status="" if value is not None else "Missing")

    def delete(self, kpi: str, municipality: str, period: int, on: str, gender: str = "T"):
        self.entries[(kpi, municipality, period, gender)].update(value=None, updated=on, isdeleted=True)

    def answer(self, request: Request, root: str):
        parts = request.path.split("/")[3:]  # after /kolada/v3
        for segment in ("kpi", "municipality", "year", "kpi_groups"):
            if len(request.ids(segment)) > self.max_ids:
                return 400, {"message": f"Too many ids in '{segment}': at most {self.max_ids}"}
        if parts[:1] == ["kpi_groups"] and len(parts) == 2:
            found = [self.groups[parts[1]]] if parts[1] in self.groups else []
            return 200, {"count": len(found), "values": found}
        if parts[:1] == ["kpi"] and len(parts) == 2:
            found = [self.kpis[k] for k in parts[1].split(",") if k in self.kpis]
            return 200, {"count": len(found), "values": found, "next_url": None}
        if parts[:2] == ["data", "kpi"] and "municipality" in parts:
            return 200, self._data(request, root)
        return 404, {"message": f"no such route: {request.path}"}

    def _data(self, request: Request, root: str) -> dict:
        kpis, areas = set(request.ids("kpi")), set(request.ids("municipality"))
        years = {int(y) for y in request.ids("year")}
        since = request.param("from_date")
        items: dict[tuple, dict] = {}
        for (kpi, area, period, gender), entry in sorted(self.entries.items()):
            if kpi not in kpis or area not in areas or (years and period not in years):
                continue
            if since is not None and entry["updated"] <= since:
                continue
            if since is None and entry["isdeleted"]:
                continue
            shown = {k: entry[k] for k in ("gender", "count", "status", "value")}
            if since is not None:
                shown["isdeleted"] = entry["isdeleted"]
            items.setdefault((kpi, area, period), {"kpi": kpi, "municipality": area, "period": period, "values": []})[
                "values"
            ].append(shown)
        values = list(items.values())
        per_page = min(int(request.param("per_page") or self.page_cap), self.page_cap)
        page = int(request.param("page") or 1)
        pages = max(1, math.ceil(len(values) / per_page))

        def link(number: int) -> str:
            query = {k: v[0] for k, v in request.query.items()} | {"page": str(number)}
            return f"{root}{request.path}?{urllib.parse.urlencode(query)}"

        next_url = link(page + 1) if page < pages else None
        if self.loop_at is not None and page == self.loop_at:
            next_url = link(1)
        return {
            "count": len(values),
            "values": values[(page - 1) * per_page : page * per_page],
            "next_url": next_url,
            "previous_url": link(page - 1) if page > 1 else None,
        }


class ScbService:
    """SCB's PxWebApi 2.0 for the tables in tests/fixtures/fetch/scb/."""

    def __init__(self):
        self.config = json.loads((SCB_FIXTURES / "config.json").read_text(encoding="utf-8"))
        self.tables = {
            p.name.split("-")[0]: json.loads(p.read_text(encoding="utf-8"))
            for p in SCB_FIXTURES.glob("TAB*-metadata.json")
        }
        self.persons = {table: 1 for table in self.tables}

    def update(self, table: str, updated: str, persons: int) -> None:
        self.tables[table]["updated"], self.persons[table] = updated, persons

    def answer(self, request: Request, root: str):
        parts = request.path.split("/")[4:]  # after /scb/api/v2
        if parts == ["config"]:
            return 200, self.config
        if len(parts) == 3 and parts[0] == "tables" and parts[1] not in self.tables:
            return 404, {"type": "Parameter error", "title": "Non-existent table", "status": 404}
        if len(parts) == 3 and parts[2] == "metadata":
            return 200, self.tables[parts[1]]
        if len(parts) == 3 and parts[2] == "data" and request.method == "POST":
            return self._data(parts[1], request)
        return 404, {"type": "Not found", "title": f"no such route: {request.path}", "status": 404}

    def _data(self, table: str, request: Request):
        meta = self.tables[table]
        asked = {s["variableCode"]: s["valueCodes"] for s in request.json()["selection"]}
        for variable in meta["id"]:
            extension = meta["dimension"][variable].get("extension", {})
            if variable not in asked and not extension.get("elimination"):
                return 400, {
                    "type": "Parameter error",
                    "title": f"Missing selection for mandatory variable {variable}",
                    "status": 400,
                }
        for variable, codes in asked.items():
            known = meta["dimension"].get(variable, {}).get("category", {}).get("index", {})
            if variable not in meta["dimension"] or any(c not in known for c in codes):
                return 400, {"type": "Parameter error", "title": "Non-existent value", "status": 400}
        variables = [v for v in meta["id"] if v in asked]
        cells = math.prod(len(asked[v]) for v in variables)
        if cells > self.config["maxDataCells"]:
            return 400, {
                "type": "Parameter error",
                "title": "Too many cells selected",
                "status": 400,
                "detail": "Too many cells selected",
            }
        regions = list(meta["dimension"]["Region"]["category"]["index"])
        municipalities = [r for r in regions if len(r) == 4]

        def persons(region: str) -> int:
            if len(region) == 4:
                return self.persons[table]
            return self.persons[table] * sum(1 for m in municipalities if region == "00" or m.startswith(region))

        grid = [[]]
        for variable in variables:
            grid = [row + [(variable, code)] for row in grid for code in asked[variable]]
        values = [persons(dict(row)["Region"]) for row in grid]
        fmt = request.param("outputFormat") or "json-stat2"
        if fmt == "csv":
            return 200, self._csv(variables, asked, grid, values)
        dimension = {
            v: {
                "label": meta["dimension"][v]["label"],
                "category": {
                    "index": {c: i for i, c in enumerate(asked[v])},
                    "label": {c: meta["dimension"][v]["category"]["label"][c] for c in asked[v]},
                },
            }
            for v in variables
        }
        return 200, {
            "version": "2.0",
            "class": "dataset",
            "label": meta["label"],
            "source": meta["source"],
            "updated": meta["updated"],
            "id": variables,
            "size": [len(asked[v]) for v in variables],
            "dimension": dimension,
            "role": meta["role"],
            "value": values,
        }

    @staticmethod
    def _csv(variables, asked, grid, values) -> bytes:
        stub = [v for v in variables if v not in ("ContentsCode", "Tid")]
        heading = [f"{c} {t}" for c in asked.get("ContentsCode", [""]) for t in asked["Tid"]]
        rows: dict[tuple, list] = {}
        for row, value in zip(grid, values):
            cells = dict(row)
            rows.setdefault(tuple(cells[v] for v in stub), []).append(value)
        lines = [",".join(stub + heading)] + [
            ",".join(list(key) + [str(v) for v in vals]) for key, vals in rows.items()
        ]
        return ("\n".join(lines) + "\n").encode("cp1252")  # SCB serves its CSV in a Latin-1 encoding


class ApiServer:
    """Both services on 127.0.0.1 and a free port, in a thread; ``with ApiServer() as api: api.url``."""

    def __init__(self):
        self.kolada, self.scb = KoladaService(), ScbService()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def kolada_api(self) -> str:
        return f"{self.url}/kolada/v3"

    @property
    def scb_api(self) -> str:
        return f"{self.url}/scb/api/v2"

    def fault(
        self,
        match: str,
        kind: str = "status",
        status: int = 500,
        headers: dict | None = None,
        body: bytes = b'{"message": "internal error"}',
        times: int = 1,
    ) -> None:
        self.faults.append(Fault(match, kind, status, headers or {}, body, times))

    def made(self, part: str, method: str | None = None) -> list[Request]:
        """The requests whose path contains ``part``."""
        return [r for r in self.requests if part in r.path and (method is None or r.method == method)]

    def __enter__(self) -> "ApiServer":
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                owner._handle(self, "GET")

            def do_POST(self):
                owner._handle(self, "POST")

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        split = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(method, split.path, urllib.parse.parse_qs(split.query), handler.rfile.read(length))
        with self._lock:
            self.requests.append(request)
            fault = next((f for f in self.faults if f.times > 0 and f.match in handler.path), None)
            if fault:
                fault.times -= 1
        if split.path.startswith("/kolada/v3/"):
            status, answer = self.kolada.answer(request, self.url)
        elif split.path.startswith("/scb/api/v2/"):
            status, answer = self.scb.answer(request, self.url)
        else:
            status, answer = 404, {"message": "no such service"}
        body = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode("utf-8")
        kind = "text/csv; charset=windows-1252" if isinstance(answer, bytes) else "application/json; charset=utf-8"
        if fault and fault.kind == "status":
            status, body, kind = fault.status, fault.body, "application/json"
        if fault and fault.kind == "garbage":
            body = body[: len(body) // 2]  # a JSON body cut in the middle, with a length that matches
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        for name, value in (fault.headers if fault else {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        if fault and fault.kind == "truncate":  # promises the whole body, sends half, hangs up
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.end_headers()
        handler.wfile.write(body)
