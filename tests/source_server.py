"""A real HTTP server on loopback that plays Skills England's APIs and pages, with faults on demand.

Used by the refresh tests and bench/refresh_speed.py. Occupation records are the real API responses
in tests/fixtures/harvest/occupations_raw where we have them, and for the rest are written back into
the same shape from the shipped snapshot's records.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from htq.model import Occupation

FIXTURES = Path(__file__).resolve().parent / "fixtures"
API_KEY = "test-key"


def api_record(occ: Occupation) -> dict[str, Any]:
    """Return an Occupational Maps API record (the shape parse.occupation_from_api reads) for an occupation."""
    products = []
    if occ.reference:
        products.append(
            {
                "object": "Product",
                "name": occ.standard_title or occ.title,
                "level": occ.level,
                "status": 1,
                "statusName": occ.standard_status or "Approved for delivery",
                "type": 1,
                "typeName": "Apprenticeship",
                "careerStarter": False,
                "productCode": occ.reference,
                "royal": False,
            }
        )
    products += [
        {
            "object": "Product",
            "name": h.title,
            "level": h.level,
            "type": 2,
            "typeName": "HTQ",
            "careerStarter": False,
            "productCode": h.code,
            "qualificationCategory": h.category,
        }
        for h in occ.htqs
    ]
    record: dict[str, Any] = {
        "object": "Occupation",
        "stdCode": occ.code,
        "name": occ.title,
        "status": 1,
        "statusName": occ.status,
        "level": occ.level,
        "versionNo": occ.version or "0.0",
        "statusLastUpdated": occ.status_date or "0001-01-01",
        "summary": "".join(f"<p>{p}</p>" for p in (occ.summary or "").split("\n\n") if p),
        "overview": occ.overview or "",
        "involvedEmployers": occ.employers or "",
        "keywords": list(occ.keywords),
        "typicalJobTitles": [{"name": t, "isGreen": False} for t in occ.job_titles],
        "soc": {
            "soc2020Code": int(occ.soc2020_code) if occ.soc2020_code else 0,
            "soc2020Description": occ.soc2020_title or "",
        },
        "products": products,
        "greenThemeIds": list(occ.green_themes),
        "progression": [{"stdCode": c} for c in occ.progression],
    }
    if occ.route_id is not None and occ.pathway_id is not None:
        record["mapHierarchy"] = {
            "routeId": occ.route_id,
            "routeName": occ.route,
            "pathwayId": occ.pathway_id,
            "pathwayName": occ.pathway,
            "clusterId": occ.cluster_id,
            "clusterName": occ.cluster,
        }
    return record


def maps_records(occupations: Iterable[Occupation]) -> dict[str, dict[str, Any]]:
    """Return code -> API record: the real saved response where there is one, else one written from the snapshot."""
    real = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in (FIXTURES / "harvest" / "occupations_raw").glob("*.json")
    }
    return {o.code: real.get(o.code) or api_record(o) for o in occupations}


def standards_fixtures() -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Return the standards API listing and the versions per reference from tests/fixtures/standards_api."""
    folder = FIXTURES / "standards_api"
    listing = json.loads((folder / "apprenticeshipstandards.json").read_text(encoding="utf-8"))
    detail = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("ST*.json")}
    return listing, detail


@dataclass
class Behaviour:
    """What the server does and has served; faults are consumed one per matching request."""

    maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    listing: list[dict[str, Any]] = field(default_factory=list)
    detail: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    latency: float = 0.0
    hits: list[str] = field(default_factory=list)
    agents: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault_for(self, path: str) -> str:
        with self.lock:
            self.hits.append(path)
            for prefix, queue in self.faults.items():
                if path.startswith(prefix) and queue:
                    return queue.pop(0)
        return "ok"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    behaviour: Behaviour
    base: str

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        return

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(
        self, status: int, body: bytes, kind: str = "application/json", extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, obj: Any) -> None:
        self._send(200, json.dumps(obj).replace("{PAGES}", self.base).encode("utf-8"))

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        b = self.behaviour
        b.agents.add(self.headers.get("User-Agent", ""))
        if b.latency:
            time.sleep(b.latency)
        path = self.path.split("?")[0]
        fault = b.fault_for(path)
        if fault.startswith("timeout"):
            time.sleep(float(fault.split(":")[1]))
            fault = "ok"
        if fault != "ok":
            return self._play_fault(fault)
        return self._route(path)

    def _play_fault(self, fault: str) -> None:
        name, _, arg = fault.partition(":")
        if name == "500":
            return self._send(500, b'{"error": "internal"}')
        if name == "429":
            return self._send(429, b"{}", extra={"Retry-After": arg})
        if name == "badjson":
            return self._send(200, b'{"referenceNumber": "ST0116", "title": ')
        if name == "drop":
            self._start(200, {"Content-Length": "100000"})
            self.wfile.write(b'[{"stdCode": "OCC01')
            self.wfile.flush()
        elif name == "trickle":  # one byte every `arg` seconds: each read is quick, the whole is not
            body = b'[{"referenceNumber": "ST0116", "title": "Software developer"}]'
            self._start(200, {"Content-Length": str(len(body))})
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(float(arg))
        elif name == "huge":  # a valid start, then `arg` megabytes of padding, chunked (no length given)
            self._start(200, {"Transfer-Encoding": "chunked"})
            block = b" " * (1024 * 1024)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for _ in range(int(arg)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                self.wfile.write(b"0\r\n\r\n")
        else:
            raise ValueError(f"unknown fault {fault!r}")
        self.close_connection = True

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()

    def _route(self, path: str) -> None:
        b = self.behaviour
        if path == "/api/v1/occupations" or path.startswith("/api/v1/occupations/"):
            if self.headers.get("X-API-KEY") != API_KEY:
                return self._send(401, b'{"error": "missing or wrong X-API-KEY"}')
            code = path.rsplit("/", 1)[1]
            if code == "occupations":
                return self._json(
                    [
                        {"stdCode": c, "name": r["name"], "level": r["level"], "statusName": r["statusName"]}
                        for c, r in b.maps.items()
                    ]
                )
            return self._json(b.maps[code]) if code in b.maps else self._send(404, b"{}")
        if path == "/api/apprenticeshipstandards":
            return self._json(b.listing)
        if path.startswith("/api/apprenticeshipstandards/"):
            ref = path.rsplit("/", 1)[1].upper()
            return self._json(b.detail[ref]) if ref in b.detail else self._send(404, b"{}")
        if path.startswith("/apprenticeships/"):
            page = b.pages.get(path.rsplit("/", 1)[1])
            if page is not None:
                return self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
        return self._send(404, b"{}")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or give up close the connection under us; that is the test, not a fault.
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class SourceServer:
    """Start with `with SourceServer(behaviour) as url:`; the server runs on a free loopback port."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        handler = type("Handler", (_Handler,), {"behaviour": behaviour, "base": self.url})
        self.httpd.RequestHandlerClass = handler
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def default_pages() -> dict[str, str]:
    """Return the saved standard pages by URL slug."""
    return {
        p.stem: p.read_text(encoding="utf-8")
        for p in (FIXTURES / "pages").glob("st*.html")
        if "layout-changed" not in p.stem
    }
