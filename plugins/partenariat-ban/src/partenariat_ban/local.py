"""A local BAN: a stand-in for the Base Adresse Nationale on 127.0.0.1, for offline tests and demos.

It speaks the BAN's published contract (the "API Adresse", engine addok) on a real socket:

- ``GET /search/?q=…`` (``limit``, ``citycode``, ``postcode``, ``type``): a GeoJSON
  ``FeatureCollection``; each feature has a point and the properties ``label``, ``score``,
  ``housenumber``, ``id``, ``name``, ``postcode``, ``citycode``, ``x``/``y`` (Lambert-93),
  ``city``, ``context``, ``type``, ``importance``, ``street``. A ``q`` of fewer than 3 characters
  is a 400, as with the BAN.
- ``POST /search/csv/`` (multipart: the file ``data``, ``columns`` repeated, optionally
  ``citycode``/``postcode`` naming a column): the same CSV (same delimiter) with the BAN's
  ``latitude``, ``longitude``, ``result_label``, ``result_score``… ``result_status`` columns.

Its answers come from a small fixture of **invented** addresses of Onet-le-Château shipped with the
plugin (``data/adresses-onet.csv``): some inside the Quatre Saisons QPV (QP012001), some outside,
one matched only at the street, one with a low score; any other address has no result. A query is
matched without regard to case, accents and spacing; nothing is guessed.

For error cases, a *script* of replies is served first, in order (``None`` in it means "answer as
the BAN would"), then the BAN's answers::

    from partenariat.testing.http import Reply

    with local_ban(script=[Reply(429, headers={"Retry-After": "2"})]) as server:
        geocoder = connector.client({"PARTENARIAT_BAN_URL": server.url})

No request leaves the machine. This module needs only the standard library and partenariat.
"""

from __future__ import annotations

import csv
import io
import math
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any, Final

import attrs

from partenariat.testing.http import LocalServer, Reply, Request, local_http_server

DATA: Final = Path(__file__).resolve().parent / "data"
ADDRESSES_CSV: Final = DATA / "adresses-onet.csv"
"""The fixture of invented addresses the local BAN answers from."""
COHORT_CSV: Final = DATA / "cohorte-adresses-onet.csv"
"""A small invented cohort with an ``adresse`` column, for the demo."""

RESULT_COLUMNS: Final = (
    "latitude",
    "longitude",
    "result_label",
    "result_score",
    "result_score_next",
    "result_type",
    "result_id",
    "result_housenumber",
    "result_name",
    "result_street",
    "result_postcode",
    "result_city",
    "result_context",
    "result_citycode",
    "result_oldcitycode",
    "result_oldcity",
    "result_district",
    "result_status",
)
"""The columns the BAN's CSV point appends to each row."""

_CONTEXTS: Final = {"12": "12, Aveyron, Occitanie"}


@attrs.frozen
class KnownAddress:
    """One address the local BAN knows: the query it answers and its best match."""

    query: str
    """The text a caller sends (matched without regard to case, accents and spacing)."""
    type: str
    """``housenumber``, ``street``, ``locality`` or ``municipality``."""
    score: float
    lon: float
    lat: float
    postcode: str
    citycode: str
    city: str
    street: str = ""
    housenumber: str = ""

    @property
    def name(self) -> str:
        """The BAN's ``name``: number and street, the street, or the commune."""
        if self.type == "housenumber":
            return f"{self.housenumber} {self.street}"
        return self.street or self.city

    @property
    def label(self) -> str:
        """The BAN's ``label``: the full address as the BAN writes it."""
        if self.type == "municipality":
            return self.city
        return f"{self.name} {self.postcode} {self.city}"

    @property
    def id(self) -> str:
        """An identifier in the BAN's shape (``citycode_street[_number]``; invented)."""
        street = f"{_code(self.street) % 10_000:04d}"
        if self.type == "municipality":
            return self.citycode
        if self.type == "housenumber":
            return f"{self.citycode}_{street}_{int(self.housenumber):05d}"
        return f"{self.citycode}_{street}"

    def properties(self) -> dict[str, Any]:
        """Return the feature properties of ``/search/``, as the BAN names them."""
        x, y = lambert93(self.lon, self.lat)
        props: dict[str, Any] = {
            "label": self.label,
            "score": self.score,
            "id": self.id,
            "name": self.name,
            "postcode": self.postcode,
            "citycode": self.citycode,
            "x": round(x, 2),
            "y": round(y, 2),
            "city": self.city,
            "context": _CONTEXTS.get(self.citycode[:2], self.citycode[:2]),
            "type": self.type,
            "importance": 0.5,  # the BAN weighs its results; the fixture has no such weight
        }
        if self.housenumber:
            props["housenumber"] = self.housenumber
        if self.street:
            props["street"] = self.street
        return props

    def csv_columns(self) -> dict[str, str]:
        """Return the ``result_…`` columns of ``/search/csv/`` for this match."""
        return {
            "latitude": str(self.lat),
            "longitude": str(self.lon),
            "result_label": self.label,
            "result_score": str(self.score),
            "result_score_next": "",
            "result_type": self.type,
            "result_id": self.id,
            "result_housenumber": self.housenumber,
            "result_name": self.name,
            "result_street": self.street,
            "result_postcode": self.postcode,
            "result_city": self.city,
            "result_context": _CONTEXTS.get(self.citycode[:2], self.citycode[:2]),
            "result_citycode": self.citycode,
            "result_oldcitycode": "",
            "result_oldcity": "",
            "result_district": "",
            "result_status": "ok",
        }


def _code(text: str) -> int:
    """Return a stable number for ``text`` (unlike :func:`hash`, the same in every process)."""
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def normalise(text: str) -> str:
    """``text`` without case, accents or repeated spaces: how a query is matched."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace(",", " ").split())


def lambert93(lon: float, lat: float) -> tuple[float, float]:
    """Project a WGS 84 point to Lambert-93 (EPSG:2154), the BAN's ``x``/``y``."""
    a, f = 6_378_137.0, 1 / 298.257222101
    e = math.sqrt(2 * f - f * f)

    def m(phi: float) -> float:
        return math.cos(phi) / math.sqrt(1 - (e * math.sin(phi)) ** 2)

    def t(phi: float) -> float:
        s = e * math.sin(phi)
        ratio: float = ((1 - s) / (1 + s)) ** (e / 2)
        return math.tan(math.pi / 4 - phi / 2) / ratio

    phi1, phi2, phi0 = math.radians(44), math.radians(49), math.radians(46.5)
    n = (math.log(m(phi1)) - math.log(m(phi2))) / (math.log(t(phi1)) - math.log(t(phi2)))
    big_f = m(phi1) / (n * t(phi1) ** n)
    rho0 = a * big_f * t(phi0) ** n
    rho = a * big_f * t(math.radians(lat)) ** n
    theta = n * math.radians(lon - 3)
    return 700_000 + rho * math.sin(theta), 6_600_000 + rho0 - rho * math.cos(theta)


def load_addresses(path: Path = ADDRESSES_CSV) -> tuple[KnownAddress, ...]:
    """Read a fixture of addresses (``;``-separated, the columns of ``data/adresses-onet.csv``)."""
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(
            KnownAddress(
                query=row["requete"],
                type=row["type"],
                score=float(row["score"]),
                lon=float(row["longitude"]),
                lat=float(row["latitude"]),
                postcode=row["code_postal"],
                citycode=row["code_insee"],
                city=row["commune"],
                street=row["voie"],
                housenumber=row["numero"],
            )
            for row in csv.DictReader(f, delimiter=";")
        )


Fallback = Callable[[str], KnownAddress | None]
"""Answers a query the fixture does not know (for generated test cohorts), or ``None``."""


class LocalBan:
    """The local BAN's request handler (give it to :func:`~partenariat.testing.http.local_http_server`).

    :param addresses: what it knows (default: the shipped fixture of Onet-le-Château).
    :param script: replies served first, one per request, in order; ``None`` answers normally.
        An endless iterable (``itertools.repeat(Reply(500))``) keeps failing.
    :param fallback: answers the queries the fixture does not know (default: no result).
    """

    def __init__(
        self,
        addresses: Iterable[KnownAddress] | None = None,
        *,
        script: Iterable[Reply | None] = (),
        fallback: Fallback | None = None,
    ) -> None:
        known = load_addresses() if addresses is None else tuple(addresses)
        self.addresses: Mapping[str, KnownAddress] = {normalise(a.query): a for a in known}
        self.fallback = fallback
        self._script: Iterator[Reply | None] = iter(script)
        self._lock = threading.Lock()

    def match(self, query: str) -> KnownAddress | None:
        """Return the best match for ``query``, or ``None`` (no guess)."""
        found = self.addresses.get(normalise(query))
        if found is None and self.fallback is not None:
            found = self.fallback(query)
        return found

    def __call__(self, request: Request) -> Reply:
        """Answer one request: the next scripted reply, else as the BAN would."""
        with self._lock:
            scripted = next(self._script, None)
        if scripted is not None:
            return scripted
        if request.method == "GET" and request.path in ("/search", "/search/"):
            return self.search(request)
        if request.method == "POST" and request.path in ("/search/csv", "/search/csv/"):
            return self.search_csv(request)
        return Reply.json({"code": 404, "message": "Not found"}, status=404)

    def search(self, request: Request) -> Reply:
        """``GET /search/``: the matches of ``q`` as a GeoJSON FeatureCollection."""
        q = (request.param("q") or "").strip()
        if len(q) < 3 or not q[0].isalnum():
            return _bad_request(
                "q: must contain between 3 and 200 chars and start with a number or a letter"
            )
        try:
            limit = int(request.param("limit") or "5")
        except ValueError:
            return _bad_request("limit: must be an integer")
        found = self.match(q)
        if found is not None and not _filters_keep(found, request.query):
            found = None
        features = [] if found is None or limit < 1 else [_feature(found)]
        return Reply.json(
            {
                "type": "FeatureCollection",
                "version": "draft",
                "features": features,
                "attribution": "BAN",
                "licence": "ETALAB-2.0",
                "query": q,
                "limit": limit,
            }
        )

    def search_csv(self, request: Request) -> Reply:
        """``POST /search/csv/``: the uploaded CSV with the result columns, same delimiter."""
        try:
            fields, data = _form(request)
            text = data.decode("utf-8-sig")
        except (KeyError, UnicodeDecodeError, ValueError):
            return _bad_request("A CSV file is expected in the field 'data' (UTF-8)")
        if not text.strip():
            return _bad_request("The file is empty")
        header = text.split("\n", 1)[0]
        delimiter = max(",;|\t", key=header.count)
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        columns = fields.get("columns") or list(reader.fieldnames or [])
        unknown = [c for c in columns if c not in (reader.fieldnames or [])]
        if unknown:
            return _bad_request(f"Cannot find column(s): {', '.join(unknown)}")
        filters = {
            name: column[0] for name in ("citycode", "postcode") if (column := fields.get(name))
        }
        out = io.StringIO()
        writer = csv.DictWriter(
            out, [*(reader.fieldnames or []), *RESULT_COLUMNS], delimiter=delimiter
        )
        writer.writeheader()
        for row in reader:
            found = self.match(" ".join(row.get(c) or "" for c in columns))
            if found is not None and not _filters_keep(
                found, {name: [row.get(column) or ""] for name, column in filters.items()}
            ):
                found = None
            result = dict.fromkeys(RESULT_COLUMNS, "")
            if found is None:
                result["result_status"] = "not-found"
            else:
                result = found.csv_columns()
            writer.writerow({**row, **result})
        return Reply(
            200, out.getvalue().encode("utf-8"), {"Content-Type": "text/csv; charset=utf-8"}
        )


def _filters_keep(found: KnownAddress, query: Mapping[str, list[str]]) -> bool:
    wanted = {name: (query.get(name) or [""])[0] for name in ("citycode", "postcode", "type")}
    actual = {"citycode": found.citycode, "postcode": found.postcode, "type": found.type}
    return all(not value or actual[name] == value for name, value in wanted.items())


def _feature(found: KnownAddress) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [found.lon, found.lat]},
        "properties": found.properties(),
    }


def _bad_request(detail: str) -> Reply:
    return Reply.json(
        {"code": 400, "detail": [detail], "message": "Failed parsing query"}, status=400
    )


def _form(request: Request) -> tuple[dict[str, list[str]], bytes]:
    """Read a ``multipart/form-data`` body: the text fields, and the file ``data``."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        raise ValueError("not multipart")
    fields: dict[str, list[str]] = {}
    data: bytes | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if name == "data":
            data = payload
        else:
            fields.setdefault(str(name), []).append(payload.decode("utf-8"))
    if data is None:
        raise ValueError("no data")
    return fields, data


@contextmanager
def local_ban(
    addresses: Iterable[KnownAddress] | None = None,
    *,
    script: Iterable[Reply | None] = (),
    fallback: Fallback | None = None,
) -> Iterator[LocalServer]:
    """Run a :class:`LocalBan` on 127.0.0.1 (a free port) for the ``with`` block.

    Point the ``ban`` connector at it with ``PARTENARIAT_BAN_URL`` = the server's ``url``; its
    ``requests`` list what it received.
    """
    with local_http_server(LocalBan(addresses, script=script, fallback=fallback)) as server:
        yield server


__all__ = [
    "ADDRESSES_CSV",
    "COHORT_CSV",
    "RESULT_COLUMNS",
    "Fallback",
    "KnownAddress",
    "LocalBan",
    "lambert93",
    "load_addresses",
    "local_ban",
    "normalise",
]
