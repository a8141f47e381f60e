"""The plugin's demo step: France Travail's words, its former name, N barriers, housing outcomes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from partenariat_france_travail.demo import STEP

from partenariat.cli.demo import DemoContext
from partenariat.followup.appointments import AppointmentStatus, Modality
from partenariat.plugins import PluginHost


def test_the_plugin_adds_its_step(host: PluginHost) -> None:
    assert list(host.demo_steps()) == ["france-travail"]


def test_the_step_shows_the_words_the_name_the_preset_and_housing(
    host: PluginHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host.demo_steps()["france-travail"].run(DemoContext.for_host(host, tmp_path))
    out = capsys.readouterr().out
    assert "  absent → ABSENT_NON_EXCUSE (absent non excusé)" in out
    assert "  visio → VISIO (en visioconférence)" in out
    assert "Document daté du 14/06/2022 : le partenaire s'appelle « Pôle emploi »" in out
    assert "Document daté du 14/06/2024 : le partenaire s'appelle « France Travail »" in out
    assert "Préréglage « cumul_freins » avec N = 3" in out
    assert "  - au moins 3 des 6 conditions suivantes :" in out
    assert "trois freins récents, au 14/06/2022 : éligible" in out
    assert (
        "dont un attesté il y a neuf mois, au 14/06/2022 : indéterminé "
        "(preuve du frein trop ancienne : endettement)"
    ) in out
    assert (
        "aucun diagnostic des freins, au 14/06/2022 : indéterminé (freins non diagnostiqués" in out
    )
    assert "  acces-logement-autonome : accès à un logement autonome" in out
    assert "  maintien-dans-le-logement : maintien dans le logement" in out
    with (tmp_path / "vocabulaire-france-travail.csv").open(encoding="utf-8") as f:
        words = {r["partenariat"]: r["france_travail"] for r in csv.DictReader(f, delimiter=";")}
    assert set(words) == {s.value for s in AppointmentStatus} | {m.value for m in Modality}
    assert words["presentiel"] == "PHYSIQUE"


def test_the_step_speaks_english_on_request(
    host: PluginHost, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    STEP.run(DemoContext.for_host(host, tmp_path, lang="en"))
    out = capsys.readouterr().out
    assert "Document dated 2022-06-14: the partner is called 'Pôle emploi'" in out
    assert "unknown (barrier evidence too old: debt)" in out
