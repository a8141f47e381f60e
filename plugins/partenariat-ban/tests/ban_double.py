"""A local double of the BAN speaking its published contract: ``/search/`` and ``/search/csv/``."""

from __future__ import annotations

import csv
import io
from email.parser import BytesParser
from email.policy import HTTP

from partenariat.testing.http import Reply, Request

# address → (lon, lat, score, type, label, citycode, postcode)
KNOWN: dict[str, tuple[float, float, float, str, str, str, str]] = {
    "12 rue des Quatre Saisons 12850 Onet-le-Château": (
        2.5912,
        44.3712,
        0.93,
        "housenumber",
        "12 Rue des Quatre Saisons 12850 Onet-le-Château",
        "12176",
        "12850",
    ),
    "rue des Quatre Saisons Onet": (
        2.5905,
        44.3709,
        0.81,
        "street",
        "Rue des Quatre Saisons 12850 Onet-le-Château",
        "12176",
        "12850",
    ),
    "12 rue des Quatres Seasons Onet": (
        2.5610,
        44.3660,
        0.41,
        "housenumber",
        "12 Rue des Saules 12850 Onet-le-Château",
        "12176",
        "12850",
    ),
}


def _match(q: str) -> tuple[float, float, float, str, str, str, str] | None:
    if q in KNOWN:
        return KNOWN[q]
    if q.startswith("adresse "):  # a generated cohort: every address is a house number
        n = int(q.split()[1])
        return (
            2.59 + n * 1e-6,
            44.37,
            0.9,
            "housenumber",
            f"{n} Rue Test 12850 Onet",
            "12176",
            "12850",
        )
    return None


def search(request: Request) -> Reply:
    """``GET /search/?q=…&limit=1``: a GeoJSON FeatureCollection."""
    found = _match(request.param("q") or "")
    features = []
    if found is not None:
        lon, lat, score, kind, label, citycode, postcode = found
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "label": label,
                    "score": score,
                    "type": kind,
                    "citycode": citycode,
                    "postcode": postcode,
                },
            }
        )
    return Reply.json({"type": "FeatureCollection", "version": "draft", "features": features})


def _form(request: Request) -> tuple[dict[str, list[str]], bytes]:
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    fields: dict[str, list[str]] = {}
    data = b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name == "data":
            data = payload
        else:
            fields.setdefault(str(name), []).append(payload.decode())
    return fields, data


def search_csv(request: Request) -> Reply:
    """``POST /search/csv/`` (multipart ``data`` + ``columns``): the CSV with result columns."""
    fields, data = _form(request)
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    out = io.StringIO()
    extra = [
        "latitude",
        "longitude",
        "result_label",
        "result_score",
        "result_type",
        "result_citycode",
        "result_postcode",
    ]
    writer = csv.DictWriter(out, [*(reader.fieldnames or []), *extra])
    writer.writeheader()
    for row in reader:
        q = " ".join(row[c] for c in fields.get("columns", []))
        found = _match(q)
        result = dict.fromkeys(extra, "")
        if found is not None:
            lon, lat, score, kind, label, citycode, postcode = found
            result = {
                "latitude": str(lat),
                "longitude": str(lon),
                "result_label": label,
                "result_score": str(score),
                "result_type": kind,
                "result_citycode": citycode,
                "result_postcode": postcode,
            }
        writer.writerow({**row, **result})
    return Reply(200, out.getvalue().encode("utf-8"), {"Content-Type": "text/csv; charset=utf-8"})


def ban(request: Request) -> Reply:
    """The BAN's two points."""
    if request.method == "GET" and request.path == "/search/":
        return search(request)
    if request.method == "POST" and request.path == "/search/csv/":
        return search_csv(request)
    return Reply.json({"code": 404, "message": "Not found"}, status=404)
