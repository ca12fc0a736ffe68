"""The only module that touches the network: Skills England's APIs and standard pages.

Every request goes through `Fetcher`: a polite User-Agent, connect and read timeouts, retries
with exponential backoff on timeouts, dropped connections and 5xx answers, and `429 Retry-After`
honoured. What cannot be fetched after the retries raises FetchError naming the URL and why.
The HTTP session is a parameter, so tests point it at a loopback server.
"""

from __future__ import annotations

import email.utils
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

from htq import __version__
from htq.errors import HTQError

MAPS_API = "https://occupational-maps-api.skillsengland.education.gov.uk"
STANDARDS_API = "https://skillsengland.education.gov.uk"
USER_AGENT = (
    f"HTQStandardsExplorer/{__version__} (+a dashboard for HTQ alignment; refreshes at most daily; "
    "contact via the installing institution)"
)
MAPS_KEY_ENV = "HTQ_MAPS_API_KEY"
RETRYABLE_STATUS = {500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0
MAX_BODY_BYTES = 200 * 1024 * 1024  # the whole standards listing is tens of MB; nothing we read is near this
CHUNK_BYTES = 64 * 1024


class FetchError(HTQError):
    """A source could not be fetched or read; the message names the URL and the reason."""


@dataclass(frozen=True)
class Endpoints:
    """Where the sources live (overridable for mirrors and tests)."""

    maps_api: str = MAPS_API
    standards_api: str = STANDARDS_API

    @classmethod
    def from_env(cls) -> Endpoints:
        """Return endpoints from $HTQ_MAPS_API_URL / $HTQ_STANDARDS_API_URL, else the live ones."""
        return cls(
            os.environ.get("HTQ_MAPS_API_URL", MAPS_API).rstrip("/"),
            os.environ.get("HTQ_STANDARDS_API_URL", STANDARDS_API).rstrip("/"),
        )


def new_session() -> requests.Session:
    """Return an HTTP session carrying the tool's User-Agent."""
    session = requests.Session()
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _TooSlow(Exception):
    """The whole request took longer than its deadline."""


class Fetcher:
    """GETs with timeouts, retries, backoff and Retry-After; safe to share between threads.

    `timeout` is (connect, read); the larger bounds the whole request, not each socket read
    (a source trickling a byte at a time cannot hold a refresh), and bodies are streamed and
    refused past `max_bytes`.
    """

    def __init__(
        self,
        session: requests.Session,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.session = session
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.max_bytes = max_bytes
        self.requests = 0
        self._lock = threading.Lock()

    def _read(self, response: requests.Response, url: str, deadline: float) -> None:
        """Read the body in chunks as they arrive, within the deadline and the size cap."""
        chunks, size = [], 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise _TooSlow
                chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(
                        f"{url}: the answer is larger than {self.max_bytes / 1024 / 1024:.0f} MB, the "
                        "most this tool reads; refusing it"
                    )
                chunks.append(chunk)
        finally:
            response.close()
        response._content = b"".join(chunks)  # what requests itself does once a body is read

    def get(
        self, url: str, headers: dict[str, str] | None = None, accept: str = "application/json"
    ) -> requests.Response:
        """Return the response to a GET, after retrying what is worth retrying."""
        problem = "no attempt made"
        for attempt in range(self.retries + 1):
            with self._lock:
                self.requests += 1
            wait = self.backoff * (2**attempt)
            deadline = time.monotonic() + max(self.timeout)
            try:
                response = self.session.get(
                    url, headers={"Accept": accept, **(headers or {})}, timeout=self.timeout, stream=True
                )
                self._read(response, url, deadline)  # the whole body now, so a dropped connection is caught here
            except (requests.Timeout, _TooSlow, urllib3.exceptions.TimeoutError):
                problem = f"no complete answer within {max(self.timeout):g} s"
            except (
                requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
                urllib3.exceptions.HTTPError,
            ) as exc:
                problem = f"the connection failed or was cut off ({type(exc).__name__})"
            else:
                if response.status_code == 429:
                    asked = _retry_after(response.headers.get("Retry-After"))
                    problem = "too many requests (429)"
                    if asked is not None:
                        if asked > MAX_RETRY_AFTER:
                            raise FetchError(
                                f"{url}: the server asks us to wait {asked:.0f} s (429 Retry-After); "
                                "try the refresh later"
                            )
                        wait = max(wait, asked)
                elif response.status_code in RETRYABLE_STATUS:
                    problem = f"server error {response.status_code}"
                elif response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason or ''}".strip())
                else:
                    return response
            if attempt < self.retries:
                self.sleep(wait)
        raise FetchError(f"{url}: {problem}, {self.retries + 1} attempts")

    def json(self, url: str, headers: dict[str, str] | None = None) -> Any:
        """Return the JSON body of a GET; FetchError when it is not valid JSON."""
        response = self.get(url, headers)
        try:
            return json.loads(response.content.decode(response.encoding or "utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(f"{url}: the answer is not valid JSON ({exc})") from exc

    def text(self, url: str) -> str:
        """Return the text body of a GET (an HTML page)."""
        return self.get(url, accept="text/html").text


def fetch_many(
    keys: Sequence[str],
    fetch: Callable[[str], Any],
    workers: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Return key -> fetch(key) for every key, at most `workers` at a time; the first failure stops all."""
    out: dict[str, Any] = {}
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(fetch, k): k for k in keys}
        try:
            for future in as_completed(futures):
                out[futures[future]] = future.result()
                done += 1
                if progress:
                    progress(done, len(keys))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return out


def _listing(payload: Any, url: str, names: Iterable[str]) -> list[Any]:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for name in names:
            for key, value in payload.items():
                if key.lower() == name and isinstance(value, list):
                    return value
    raise FetchError(f"{url}: expected a list, got {type(payload).__name__}")


def maps_index(fetcher: Fetcher, endpoints: Endpoints, key: str) -> list[dict[str, Any]]:
    """Return the Occupational Maps API's list of occupations (each with at least stdCode)."""
    url = f"{endpoints.maps_api}/api/v1/occupations"
    rows = _listing(fetcher.json(url, {"X-API-KEY": key}), url, ("occupations", "items", "data", "results"))
    bad = [r for r in rows if not isinstance(r, dict) or not r.get("stdCode")]
    if bad:
        raise FetchError(f"{url}: {len(bad)} entries have no stdCode")
    return rows


def maps_occupation(fetcher: Fetcher, endpoints: Endpoints, key: str, code: str) -> dict[str, Any]:
    """Return one occupation record (`/api/v1/occupations/{code}`)."""
    url = f"{endpoints.maps_api}/api/v1/occupations/{code}"
    record = fetcher.json(url, {"X-API-KEY": key})
    if not isinstance(record, dict):
        raise FetchError(f"{url}: expected an occupation object")
    return record


def standards(fetcher: Fetcher, endpoints: Endpoints) -> list[dict[str, Any]]:
    """Return every apprenticeship standard version from the standards API (no key needed)."""
    url = f"{endpoints.standards_api}/api/apprenticeshipstandards"
    return [
        s for s in _listing(fetcher.json(url), url, ("standards", "items", "data", "results")) if isinstance(s, dict)
    ]


def standard(fetcher: Fetcher, endpoints: Endpoints, reference: str) -> list[dict[str, Any]]:
    """Return the versions of one standard (`/api/apprenticeshipstandards/{ST####}`)."""
    url = f"{endpoints.standards_api}/api/apprenticeshipstandards/{reference}"
    payload = fetcher.json(url)
    return [payload] if isinstance(payload, dict) else _listing(payload, url, ("standards", "versions"))


def standard_page(fetcher: Fetcher, url: str) -> str:
    """Return the HTML of a standard's page."""
    return fetcher.text(url)
