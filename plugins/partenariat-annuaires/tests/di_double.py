"""A local double of the data·inclusion API v1 ``/api/v1/structures`` (token, filters, pages)."""

from __future__ import annotations

import math

from partenariat.testing.http import Reply, Request

TOKEN = "jeton-de-test"


def structures(n: int, network: str, commune: str) -> list[dict[str, object]]:
    return [
        {
            "id": f"{network}-{i}",
            "nom": f"{'Mission Locale' if network == 'mission-locale' else 'France Travail'} antenne {i}",
            "code_insee": commune,
            "siret": "13000548100010" if i == 0 else None,
            "adresse": f"{i} avenue de Rodez",
            "code_postal": "12850",
            "commune": "Onet-le-Château",
            "reseaux_porteurs": [network],
        }
        for i in range(n)
    ]


DATA = structures(250, "mission-locale", "12176") + structures(2, "france-travail", "12176")


def api(request: Request) -> Reply:
    if request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return Reply.json({"detail": "Not authenticated"}, status=401)
    if request.path != "/api/v1/structures":
        return Reply.json({"detail": "Not Found"}, status=404)
    commune, network = request.param("code_commune"), request.param("reseaux_porteurs")
    page, size = int(request.param("page") or 1), int(request.param("size") or 50)
    found = [
        s
        for s in DATA
        if s["code_insee"] == commune and network in s["reseaux_porteurs"]  # type: ignore[operator]
    ]
    pages = max(1, math.ceil(len(found) / size))
    items = found[(page - 1) * size : page * size]
    return Reply.json(
        {"items": items, "total": len(found), "page": page, "size": size, "pages": pages}
    )
