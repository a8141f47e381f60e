"""Geocoding with the Base Adresse Nationale: one address, or a whole cohort through its CSV point.

The BAN (engine: addok) answers a GeoJSON FeatureCollection; each feature has a ``score`` (0–1), a
``type`` (``housenumber``, ``street``, ``locality``, ``municipality``), ``citycode`` (INSEE),
``label`` and ``postcode``. Its ``/search/csv/`` point geocodes a CSV file and returns it with
``latitude``, ``longitude``, ``result_score``, ``result_type``… columns.

Only a precise match becomes a point the QPV rule may place: a score under the threshold gives no
point at all (the QPV answer is *unknown*, with the reason), and a street-level or coarser match
keeps its type as the point's precision, which the core's QPV rule answers *unknown* for. Never a
silent guess.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, cast

import attrs

from partenariat.connectors.base import ConnectorError, ConnectorSettings
from partenariat.connectors.http import HttpService
from partenariat.eligibility.facts import GeocodePrecision, Location
from partenariat.i18n import Text

SERVICE: Final = "Base Adresse Nationale"
DEFAULT_URL: Final = "https://api-adresse.data.gouv.fr"
MIN_SCORE: Final = 0.7
"""Below this score a match is not used as a point (a typo may land on another street)."""
BATCH_ROWS: Final = 5_000
"""Rows sent per request to the CSV point (its files stay well under the size limit)."""
_TYPES: Final = ("housenumber", "street", "locality", "municipality")


@attrs.frozen
class Geocode:
    """The geocoder's answer for one address.

    ``location`` is ``None`` when there is no usable point; ``reason`` then says why (no result, a
    low score), in French and English, for the agent and the QPV decision.
    """

    address: str
    location: Location | None
    score: float | None = None
    match_type: str | None = None
    label: str | None = None
    citycode: str | None = None
    postcode: str | None = None
    reason: Text | None = None

    @property
    def precise(self) -> bool:
        """Whether the QPV rule may place this point (a house number, with a good score)."""
        return self.location is not None and self.location.precision == "housenumber"


def _no_result(address: str) -> Geocode:
    return Geocode(
        address,
        None,
        reason=Text(
            "adresse introuvable dans la Base Adresse Nationale", "address not found in the BAN"
        ),
    )


def from_match(
    address: str,
    *,
    lon: float | None,
    lat: float | None,
    score: float | None,
    match_type: str | None,
    label: str | None = None,
    citycode: str | None = None,
    postcode: str | None = None,
    min_score: float = MIN_SCORE,
) -> Geocode:
    """Turn one match into a :class:`Geocode`, refusing a low score and keeping a coarse type."""
    if lon is None or lat is None or score is None or match_type is None:
        return _no_result(address)
    found = Geocode(address, None, score, match_type, label, citycode, postcode)
    if score < min_score:
        return attrs.evolve(
            found,
            reason=Text(
                f"correspondance incertaine (score {score:.2f} < {min_score:.2f}) : « {label} »",
                f"uncertain match (score {score:.2f} < {min_score:.2f}): '{label}'",
            ),
        )
    precision = cast("GeocodePrecision", match_type) if match_type in _TYPES else "municipality"
    reason = None
    if precision != "housenumber":
        reason = Text(
            f"adresse localisée seulement au niveau « {match_type} »",
            f"address located only at the '{match_type}' level",
        )
    return attrs.evolve(found, location=Location(lon, lat, precision), reason=reason)


class BanGeocoder:
    """A client of the BAN's search and CSV points."""

    def __init__(self, http: HttpService, *, min_score: float = MIN_SCORE) -> None:
        self.http = http
        self.min_score = min_score

    @classmethod
    def from_settings(cls, settings: ConnectorSettings) -> BanGeocoder:
        """Build a client from settings (``PARTENARIAT_BAN_URL``…)."""
        return cls(HttpService(SERVICE, settings))

    def geocode(self, address: str, *, citycode: str | None = None) -> Geocode:
        """Geocode one address (its best match), optionally within the commune ``citycode``."""
        params = {"q": address, "limit": "1"}
        if citycode:
            params["citycode"] = citycode
        data = self.http.get_json("/search/", params=params)
        features = _features(data)
        if not features:
            return _no_result(address)
        feature = features[0]
        props = feature.get("properties") or {}
        coords = (feature.get("geometry") or {}).get("coordinates") or [None, None]
        try:
            return from_match(
                address,
                lon=None if coords[0] is None else float(coords[0]),
                lat=None if coords[1] is None else float(coords[1]),
                score=None if props.get("score") is None else float(props["score"]),
                match_type=props.get("type"),
                label=props.get("label"),
                citycode=props.get("citycode"),
                postcode=props.get("postcode"),
                min_score=self.min_score,
            )
        except (TypeError, ValueError, IndexError):
            raise _malformed("feature") from None

    def geocode_rows(
        self,
        rows: Sequence[Mapping[str, str]],
        address_columns: Sequence[str],
        *,
        citycode_column: str | None = None,
    ) -> list[Geocode]:
        """Geocode rows in one call to the CSV point; return one :class:`Geocode` per row."""
        out = io.StringIO()
        columns = [*address_columns] + ([citycode_column] if citycode_column else [])
        writer = csv.writer(out)
        writer.writerow(["_row", *columns])
        for i, row in enumerate(rows):
            writer.writerow([i, *(row.get(c, "") for c in columns)])
        form: dict[str, str | list[str]] = {"columns": list(address_columns)}
        if citycode_column:
            form["citycode"] = citycode_column
        response = self.http.request(
            "POST",
            "/search/csv/",
            files={"data": ("adresses.csv", out.getvalue().encode("utf-8"), "text/csv")},
            data=form,
        )
        try:
            answer = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error):
            raise _malformed("CSV") from None
        by_row: dict[int, dict[str, str]] = {}
        for line in answer:
            try:
                by_row[int(line["_row"])] = line
            except (KeyError, ValueError):
                raise _malformed("CSV") from None
        results = []
        for i, row in enumerate(rows):
            address = " ".join(row.get(c, "") for c in address_columns).strip()
            answered = by_row.get(i)
            if answered is None:
                raise _malformed("CSV")
            results.append(_from_csv(address, answered, self.min_score))
        return results

    def geocode_batches(
        self,
        rows: Sequence[Mapping[str, str]],
        address_columns: Sequence[str],
        *,
        citycode_column: str | None = None,
        batch_rows: int = BATCH_ROWS,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Geocode]:
        """Geocode ``rows`` batch by batch; ``progress(n)`` is called after each batch of ``n``."""
        for start in range(0, len(rows), batch_rows):
            batch = rows[start : start + batch_rows]
            yield from self.geocode_rows(batch, address_columns, citycode_column=citycode_column)
            if progress is not None:
                progress(len(batch))


def _features(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _malformed("FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise _malformed("features")
    return [f for f in features if isinstance(f, dict)]


def _from_csv(address: str, line: Mapping[str, str], min_score: float) -> Geocode:
    def number(name: str) -> float | None:
        value = (line.get(name) or "").strip()
        return float(value) if value else None

    try:
        return from_match(
            address,
            lon=number("longitude"),
            lat=number("latitude"),
            score=number("result_score"),
            match_type=(line.get("result_type") or None),
            label=line.get("result_label") or None,
            citycode=line.get("result_citycode") or None,
            postcode=line.get("result_postcode") or None,
            min_score=min_score,
        )
    except ValueError:
        raise _malformed("CSV") from None


def _malformed(what: str) -> ConnectorError:
    return ConnectorError(
        SERVICE,
        Text(f"réponse inattendue ({what})", f"unexpected answer ({what})"),
        Text(
            "que l'adresse configurée (PARTENARIAT_BAN_URL) est bien l'API adresse",
            "that the configured address (PARTENARIAT_BAN_URL) is the address API",
        ),
    )


def settings(environ: Mapping[str, str] | None = None) -> ConnectorSettings:
    """Read the connector's settings from the environment (``PARTENARIAT_BAN_URL``, ``…_TIMEOUT``)."""
    return ConnectorSettings.from_env("ban", default_url=DEFAULT_URL, environ=environ)


GEOCODE_COLUMNS: Final = (
    "lon",
    "lat",
    "precision",
    "geocodage_score",
    "geocodage_type",
    "geocodage_adresse",
    "geocodage_motif",
)
"""The columns a geocoded cohort gains (``lon``, ``lat`` and ``precision`` are read by the cohort reader)."""


def geocode_cohort(
    geocoder: BanGeocoder,
    source: Path,
    target: Path,
    address_columns: Sequence[str],
    *,
    citycode_column: str | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> list[Geocode]:
    """Write ``source`` (a cohort CSV, ``;`` or ``,``) to ``target`` with coordinates, score, type, reason.

    The whole file is geocoded before anything is written, then written to a temporary file
    renamed over ``target``: an error on the way (a 429, a timeout…) leaves no half-written file.
    """
    text = source.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = list(reader.fieldnames or [])
    rows = list(reader)
    missing = [
        c
        for c in (*address_columns, *([citycode_column] if citycode_column else []))
        if c not in fields
    ]
    if missing:
        raise ConnectorError(
            SERVICE,
            Text(
                f"colonnes absentes de {source.name} : {', '.join(missing)}",
                f"columns missing from {source.name}: {', '.join(missing)}",
            ),
            Text(
                f"les colonnes du fichier ({', '.join(fields)})",
                f"the file's columns ({', '.join(fields)})",
            ),
        )
    results = list(
        geocoder.geocode_batches(
            rows,
            address_columns,
            citycode_column=citycode_column,
            batch_rows=batch_rows,
            progress=progress,
        )
    )
    out_fields = fields + [c for c in GEOCODE_COLUMNS if c not in fields]
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, out_fields, delimiter=dialect.delimiter)
            writer.writeheader()
            for row, geo in zip(rows, results, strict=True):
                loc = geo.location
                writer.writerow(
                    {
                        **row,
                        "lon": "" if loc is None else f"{loc.lon:.6f}",
                        "lat": "" if loc is None else f"{loc.lat:.6f}",
                        "precision": "" if loc is None else (loc.precision or ""),
                        "geocodage_score": "" if geo.score is None else f"{geo.score:.2f}",
                        "geocodage_type": geo.match_type or "",
                        "geocodage_adresse": geo.label or "",
                        "geocodage_motif": "" if geo.reason is None else geo.reason.fr,
                    }
                )
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return results


__all__ = [
    "BATCH_ROWS",
    "DEFAULT_URL",
    "GEOCODE_COLUMNS",
    "MIN_SCORE",
    "SERVICE",
    "BanGeocoder",
    "Geocode",
    "from_match",
    "geocode_cohort",
    "settings",
]
