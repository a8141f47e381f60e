"""The bilan as a workbook, through the spreadsheet plugin: typed cells, hidden counts as text."""

from __future__ import annotations

from io import BytesIO

import pytest

from partenariat.bilan import Bilan
from partenariat.conventions import Convention
from partenariat.exporters import ExportContext
from partenariat.followup.simulation import SimulationResult
from partenariat.followup.sqlite import SqliteStore
from partenariat.plugins import make_plugin_host

from .conftest import ML_TAXONOMY, TODAY


def test_the_bilan_as_xlsx_has_numbers_and_hidden_counts_as_text(
    onet: Convention, onet_year: SimulationResult
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    exporter = make_plugin_host().exporters("bilan").get(("bilan", "xlsx"))
    if exporter is None:
        pytest.skip("the spreadsheet plugin (partenariat-tableur) is not installed")
    assert onet.period.end is not None
    with SqliteStore.open(onet_year.path) as store:
        bilan = Bilan.compute(
            onet, store, onet.period.start, onet.period.end, today=TODAY, taxonomy=ML_TAXONOMY
        )
    book = openpyxl.load_workbook(BytesIO(exporter.write(bilan, ExportContext())))
    assert book.sheetnames == ["Indicateurs", "Critères", "Mois"]
    rows = list(book["Indicateurs"].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "jeunes_suivis"
    assert rows[0][3] == bilan.people_followed
    assert rows[0][5] == 928
    months = list(book["Mois"].iter_rows(min_row=2, values_only=True))
    assert "< 5" in [cell for row in months for cell in row]
