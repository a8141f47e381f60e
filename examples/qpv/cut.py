"""Regenerate the QPV fixture of this folder from the full files in ../shared/data/qpv/.

Run from the repository root: ``python examples/qpv/cut.py``. The features are copied as they
are (geometry and properties untouched), in the order of the source file; only the list of
features is cut. See README.md in this folder for the provenance and the licence.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1].parent / "shared" / "data" / "qpv"

CUTS = {
    # Onet-le-Château's QP012001, the other Aveyron QPV (an invalid polygon: exercises the repair)
    # and neighbours in the Lot, Tarn and Tarn-et-Garonne.
    "qpv2015_occitanie.geojson": (
        "qpv2015_aveyron_voisins.geojson",
        "code_qp",
        {"QP012001", "QP012002", "QP046001", "QP081006", "QP082001"},
    ),
    # La Garde's QN08305M and its neighbours in Toulon, La Valette-du-Var and Hyères.
    "qpv2024_paca.geojson": (
        "qpv2024_var_voisins.geojson",
        "q",
        {"QN08305M", "QN08306I", "QN08307M", "QN08314I", "QN08315M", "QN08322N"},
    ),
}


def main() -> None:
    """Write the cut-out files next to this script."""
    for source_name, (target_name, code_key, codes) in CUTS.items():
        data = json.loads((SOURCE / source_name).read_text(encoding="utf-8"))
        data["features"] = [f for f in data["features"] if f["properties"][code_key] in codes]
        assert {f["properties"][code_key] for f in data["features"]} == codes, source_name
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        (HERE / target_name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
