"""The renewal decided on the bilan: recorded in the journal, applied through Convention.renew()."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from partenariat import io
from partenariat.bilan.decision import RenewalDecision, decisions_of, record_decision, replay
from partenariat.cli import cli
from partenariat.conventions import Convention
from partenariat.errors import InputError, ValidationError
from partenariat.followup.simulation import SimulationResult
from partenariat.followup.sqlite import SqliteStore

from ..conftest import examples_registry
from .conftest import EXAMPLES

AT = datetime(2020, 1, 20, 10, tzinfo=UTC)


def _decision(on: date, *, renew: bool = True, late: bool = False) -> RenewalDecision:
    return RenewalDecision("onet-ml-2019", renew, on, "presidente-ccas", "bilan positif", late=late)


def test_a_renewal_recorded_in_the_journal_renews_the_convention(
    onet: Convention, tmp_path: Path
) -> None:
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        renewed = record_decision(store, onet, _decision(date(2020, 1, 20)), at=AT)
        assert renewed.renewals[-1].period.end == date(2020, 12, 31)
        assert replay(onet, store) == renewed
        (recorded,) = decisions_of(store.iter_events(), onet.id)
    assert recorded.actor == "presidente-ccas"
    assert recorded.reason == "bilan positif"


def test_a_decision_after_the_deadline_is_refused_and_leaves_no_trace(
    onet: Convention, tmp_path: Path
) -> None:
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        with pytest.raises(ValidationError):
            record_decision(store, onet, _decision(date(2020, 2, 15)), at=AT)
        assert store.count_events() == 0
        late = record_decision(store, onet, _decision(date(2020, 2, 15), late=True), at=AT)
    assert late.renewals[-1].late
    assert late.renewals[-1].period.start == date(2020, 2, 15)


def test_a_decision_not_to_renew_is_recorded_and_changes_nothing(
    onet: Convention, tmp_path: Path
) -> None:
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        same = record_decision(store, onet, _decision(date(2020, 1, 20), renew=False), at=AT)
        assert store.count_events() == 1
    assert same == onet


def test_a_decision_says_who_and_why() -> None:
    with pytest.raises(InputError):
        RenewalDecision("onet-ml-2019", True, date(2020, 1, 20), " ", "bilan positif")
    with pytest.raises(InputError):
        RenewalDecision("onet-ml-2019", True, date(2020, 1, 20), "presidente", "")


def test_from_the_command_line_the_renewed_year_has_its_sessions(
    onet_year: SimulationResult, tmp_path: Path
) -> None:
    journal = tmp_path / "onet.sqlite"
    shutil.copy(onet_year.path, journal)
    convention = str(EXAMPLES / "onet-le-chateau-mission-locale.toml")
    runner = CliRunner()
    shown = runner.invoke(
        cli, ["bilan", convention, "--journal", str(journal), "--aujourdhui", "2020-01-10"]
    )
    assert shown.exit_code == 0, shown.output
    assert "Renouveler" in shown.output
    renewed = tmp_path / "renouvelee.toml"
    decided = runner.invoke(
        cli,
        [
            "bilan",
            convention,
            "--journal",
            str(journal),
            "--aujourdhui",
            "2020-01-20",
            "--decider",
            "renouveler",
            "--acteur",
            "presidente-ccas",
            "--motif",
            "bilan positif",
            "--sortie",
            str(renewed),
        ],
    )
    assert decided.exit_code == 0, decided.output
    assert io.load_convention(renewed, registry=examples_registry()).renewals[
        -1
    ].period.end == date(2020, 12, 31)
    calendar = runner.invoke(
        cli, ["calendrier", str(renewed), "--du", "2020-03-01", "--au", "2020-03-31"]
    )
    assert calendar.exit_code == 0, calendar.output
    assert "03/03/2020" in calendar.output and "17/03/2020" in calendar.output


def test_a_period_outside_the_convention_is_an_error_on_the_command_line(
    onet_year: SimulationResult,
) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "bilan",
            str(EXAMPLES / "onet-le-chateau-mission-locale.toml"),
            "--journal",
            str(onet_year.path),
            "--au",
            "2020-03-01",
        ],
    )
    assert result.exit_code != 0
    assert "2020-03-01" in result.output  # the value found, with the key "au" it is under
