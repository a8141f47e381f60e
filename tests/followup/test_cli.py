"""``partenariat suivi`` and ``partenariat indicateurs``: messages, never tracebacks."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from partenariat.cli import main

from ..conftest import ONET, with_core_lifecycle

# The Onet example with the core lifecycle written in: these tests walk the core's transitions
# (the example itself follows the Mission Locale path of its partner kind).
CONVENTION = str(with_core_lifecycle(ONET))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    j = str(tmp_path / "j.sqlite")
    steps = [
        ("suivi", "creer", j),
        (
            "suivi",
            "orienter",
            j,
            "--convention",
            CONVENTION,
            "--dossier",
            "D1",
            "--personne",
            "J1",
            "--commune",
            "12176",
            "--qpv",
            "--naissance",
            "02/04/2001",
            "--date",
            "2019-09-10 10:00",
            "--acteur",
            "agent-ccas",
            "--eligibilite",
            "eligible",
        ),
        ("suivi", "decision", j, "D1", "acceptee", "--date", "2019-09-12 10:00", "--acteur", "c"),
        (
            "suivi",
            "rdv",
            j,
            "D1",
            "R1",
            "--quand",
            "2019-09-17 09:30",
            "--permanence",
            "ml-au-ccas",
            "--convention",
            CONVENTION,
            "--debut-permanence",
            "2019-09-17 09:00",
            "--date",
            "2019-09-12 10:05",
            "--acteur",
            "c",
        ),
        (
            "suivi",
            "presence",
            j,
            "D1",
            "R1",
            "honore",
            "--date",
            "2019-09-17 12:00",
            "--acteur",
            "c",
        ),
        (
            "followup",
            "transition",
            j,
            "D1",
            "demarrer-suivi",
            "--date",
            "2019-09-17 12:00",
            "--acteur",
            "c",
        ),
        (
            "suivi",
            "transition",
            j,
            "D1",
            "clore",
            "--issue",
            "cdi",
            "--date",
            "2019-11-16 12:00",
            "--acteur",
            "c",
            "--motif",
            "CDI chez un artisan",
        ),
    ]
    for argv in steps:
        code, _, err = run(capsys, *argv)
        assert code == 0, (argv, err)
    return j


def test_a_path_recorded_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    code, out, _ = run(capsys, "suivi", "historique", j, "D1", "--maintenant", "2019-12-01 10:00")
    assert code == 0
    assert "état « clos »" in out
    assert "CDI chez un artisan" in out
    code, out, _ = run(capsys, "suivi", "historique", j, "D1", "--format", "json")
    history = json.loads(out)
    assert [e["kind"] for e in history["events"]][-1] == "transition"
    assert history["events"][0]["at"] == "2019-09-10T10:00:00+02:00"
    code, out, _ = run(capsys, "suivi", "verifier", j)
    assert (code, out.strip()) == (0, f"Journal sain : {j}")


def test_indicators_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    code, out, _ = run(capsys, "indicateurs", CONVENTION, "--journal", j, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["people_followed"], data["positive_exits"]) == (1, 1)
    # planned and held sessions come from the convention's permanence calendar
    assert (data["permanences_planned"], data["permanences_held"]) == (8, 8)
    assert data["targets"] == {
        "jeunes_suivis": 928,
        "jeunes_suivis_qpv": 240,
        "jeunes_suivis_commune": 76,
    }
    target = tmp_path / "ind.csv"
    code, out, _ = run(
        capsys,
        "indicators",
        CONVENTION,
        "--journal",
        j,
        "--du",
        "2019-09-01",
        "--au",
        "31/12/2019",
        "--format",
        "csv",
        "--sortie",
        str(target),
    )
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert ["personnes suivies", "", "1"] in rows
    code, out, _ = run(capsys, "--lang", "en", "indicators", CONVENTION, "--journal", j)
    assert "people followed" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("transition", "{j}", "D1", "voler", "--acteur", "c", "--date", "2019-12-01 10:00"),
            "transition inconnue",
        ),
        (
            ("transition", "{j}", "D1", "suspendre", "--acteur", "c", "--date", "2019-12-01 10:00"),
            "impossible depuis l'état « clos »",
        ),
        (
            (
                "rdv",
                "{j}",
                "D1",
                "R2",
                "--quand",
                "2020-03-03 10:00",
                "--acteur",
                "c",
                "--date",
                "2019-12-01 10:00",
            ),
            "hors de la période de la convention",
        ),
        (
            (
                "rdv",
                "{j}",
                "D1",
                "R2",
                "--quand",
                "2019-10-27 02:30",
                "--acteur",
                "c",
                "--date",
                "2019-12-01 10:00",
            ),
            None,
        ),  # ambiguous autumn hour: accepted
        (
            ("rdv", "{j}", "D1", "R3", "--quand", "2019-03-31 02:30", "--acteur", "c"),
            "cette heure n'existe pas",
        ),
        (
            ("rdv", "{j}", "D1", "R3", "--quand", "demain", "--acteur", "c"),
            "date et heure illisibles",
        ),
        (
            (
                "presence",
                "{j}",
                "D1",
                "R9",
                "honore",
                "--acteur",
                "c",
                "--date",
                "2019-12-01 10:00",
            ),
            "rendez-vous inconnu",
        ),
        (("historique", "{j}", "D9"), "dossier inconnu"),
    ],
)
def test_bad_input_gives_a_message_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str | None
) -> None:
    j = _journal(tmp_path, capsys)
    code, _, err = run(capsys, "suivi", *(a.format(j=j) for a in argv))
    if message is None:
        assert code == 0, err
        return
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_foreign_and_newer_journals_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("ceci n'est pas un journal")
    code, _, err = run(capsys, "suivi", "historique", str(notes), "D1")
    assert code == 1
    assert "n'est pas un journal partenariat" in err
    code, _, err = run(capsys, "suivi", "creer", str(notes))
    assert (code, "le fichier existe déjà" in err) == (1, True)


def test_retention_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    code, out, _ = run(capsys, "suivi", "conservation", j, "--aujourdhui", "2021-11-16")
    assert "0 dossier(s)" in out
    code, out, _ = run(capsys, "suivi", "conservation", j, "--aujourdhui", "2021-11-17")
    assert "D1  dernier contact 16/11/2019" in out
    code, out, err = run(
        capsys,
        "suivi",
        "conservation",
        j,
        "--aujourdhui",
        "2021-11-17",
        "--appliquer",
        "anonymiser",
    )
    assert code != 0 and "--acteur" in err
    code, out, _ = run(
        capsys,
        "suivi",
        "retention",
        j,
        "--today",
        "2021-11-17",
        "--apply",
        "purger",
        "--actor",
        "dpo",
    )
    assert code == 0
    assert "1 dossier(s) traités (purger)" in out


def test_appointments_export_one_row_each_pseudonymised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    target = tmp_path / "rdv.csv"
    code, _, err = run(
        capsys, "suivi", "export", j, "--convention", CONVENTION, "--sortie", str(target)
    )
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "dossier",
        "personne",
        "rendez-vous",
        "date",
        "heure",
        "modalité",
        "permanence",
        "statut",
    ]
    (row,) = rows[1:]
    assert row[0].startswith("P-") and row[1].startswith("P-")
    assert row[2:] == ["R1", "17/09/2019", "09:30", "presentiel", "ml-au-ccas", "honore"]
    assert "J1" not in target.read_text(encoding="utf-8-sig")
    code, out, _ = run(capsys, "suivi", "export", j, "--convention", CONVENTION, "--nominatif")
    assert "D1;J1;R1;17/09/2019" in out


def test_an_appointment_in_a_permanence_without_its_convention_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    before = run(capsys, "suivi", "historique", j, "D1")[1]
    code, _, err = run(
        capsys,
        "suivi",
        "rdv",
        j,
        "D1",
        "R9",
        "--quand",
        "2019-10-01 09:30",
        "--permanence",
        "ml-au-ccas",
        "--acteur",
        "c",
        "--date",
        "2019-09-20 10:00",
    )
    assert code == 1
    assert "Traceback" not in err
    assert "--permanence" in err and "--convention" in err and "ml-au-ccas" in err
    # nothing recorded: the file's history is what it was
    assert run(capsys, "suivi", "historique", j, "D1")[1] == before


def test_an_appointment_checked_against_the_conventions_permanence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    common = (
        "--permanence",
        "ml-au-ccas",
        "--convention",
        CONVENTION,
        "--acteur",
        "c",
        "--date",
        "2019-09-20 10:00",
    )
    code, _, err = run(
        capsys,
        "suivi",
        "rdv",
        j,
        "D1",
        "R2",
        "--quand",
        "2019-10-08 09:30",
        "--debut-permanence",
        "2019-10-08 09:00",
        *common,
    )
    assert code == 1
    assert "aucune permanence à cette date" in err  # a 2nd Tuesday
    code, _, err = run(
        capsys,
        "suivi",
        "rdv",
        j,
        "D1",
        "R2",
        "--quand",
        "2019-10-01 09:30",
        "--debut-permanence",
        "2019-10-01 09:00",
        *common,
    )
    assert code == 0, err


@pytest.mark.parametrize(
    ("argv", "fr", "en"),
    [
        (
            ("decision", "{j}", "D1", "refusee", "--acteur", "c", "--date", "0001-01-01 00:00"),
            "date hors des limites",
            "date out of range",
        ),
        (
            (
                "presence",
                "{j}",
                "D1",
                "R1",
                "absent",
                "--acteur",
                "c",
                "--date",
                "9999-12-31 23:59",
            ),
            "date hors des limites",
            "date out of range",
        ),
        (
            ("historique", "{j}", "D1", "--maintenant", "0001-01-01 00:00"),
            "date hors des limites",
            "date out of range",
        ),
        (
            ("historique", "{j}", "D1", "--sans-contact-jours", "100000000000000000000"),
            "nombre de jours sans contact invalide",
            "invalid number of days without contact",
        ),
        (
            ("conservation", "{j}", "--annees", "100000"),
            "durée de conservation invalide",
            "invalid retention period",
        ),
        (
            ("conservation", "{j}", "--annees", "12345678901234567890"),
            "de 1 à 100 ans",
            "from 1 to 100 years",
        ),
        (
            ("conservation", "{j}", "--aujourdhui", "01/01/0001"),
            "date hors des limites",
            "date out of range",
        ),
        (
            ("export", "{j}", "--convention", CONVENTION, "--du", "0001-01-01"),
            "date hors des limites",
            "date out of range",
        ),
    ],
)
def test_out_of_range_dates_and_durations_are_refused_with_a_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    fr: str,
    en: str,
) -> None:
    j = _journal(tmp_path, capsys)
    before = Path(j).read_bytes()
    args = [a.format(j=j) for a in argv]
    code, _, err = run(capsys, "suivi", *args)
    assert code in (1, 2), err
    assert fr in err
    assert "erreur interne" not in err and "Traceback" not in err
    code, _, err = run(capsys, "--lang", "en", "suivi", *args)
    assert code in (1, 2), err
    assert en in err
    assert Path(j).read_bytes() == before


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_verify_and_export_draw_a_progress_bar_on_a_terminal_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    j = _journal(tmp_path, capsys)
    target = str(tmp_path / "r.csv")
    export = ("suivi", "export", j, "--convention", CONVENTION, "--sortie", target, "--ecraser")
    for argv, label in [(("suivi", "verifier", j), "Vérification"), (export, "Export")]:
        code, _, err = run(capsys, *argv)
        assert code == 0 and label not in err
        terminal = _Terminal()
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stderr", terminal)
            code, _, _ = run(capsys, *argv)
        assert code == 0
        assert label in terminal.getvalue()
        assert "100%" in terminal.getvalue()


def test_an_export_to_a_file_streams_the_same_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    target = tmp_path / "r.csv"
    code, printed, _ = run(capsys, "suivi", "export", j, "--convention", CONVENTION)
    assert code == 0
    code, _, _ = run(
        capsys, "suivi", "export", j, "--convention", CONVENTION, "--sortie", str(target)
    )
    assert code == 0
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig") == printed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.csv")] == []


def test_verify_names_an_edited_event_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    j = _journal(tmp_path, capsys)
    db = sqlite3.connect(j)
    db.execute("DROP TRIGGER events_append_only")
    db.execute("UPDATE events SET actor = 'quelqu-un' WHERE seq = 2")
    db.commit()
    db.close()
    code, out, err = run(capsys, "suivi", "verifier", j)
    assert code == 1
    assert "événement n° 2 (dossier:D1) : empreinte incorrecte" in out
    assert "déclencheur events_append_only absent" in out
    assert f"{j} : journal incohérent (2 problème(s))" in err


def test_suivi_rdv_books_a_seat_in_the_session_and_refuses_beyond_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)

    def rdv(appointment: str, when: str) -> tuple[int, str, str]:
        return run(
            capsys,
            "suivi",
            "rdv",
            j,
            "D1",
            appointment,
            "--quand",
            when,
            "--permanence",
            "ml-au-ccas",
            "--convention",
            CONVENTION,
            "--acteur",
            "c",
            "--date",
            "2019-09-20 10:00",
        )

    assert rdv("R2", "2019-10-01 09:30")[0] == 0
    code, _, err = rdv("R3", "2019-10-01 09:30")  # one counsellor: one seat at 09:30
    assert code == 1
    assert "la séance du mardi 01/10/2019 de 09:00 à 12:00 est complète à 09:30" in err
    assert "(1 rendez-vous sur 1)" in err
    code, _, err = rdv("R3", "2019-10-01 15:00")
    assert code == 1
    assert "rendez-vous à 15:00 hors de la séance du mardi 01/10/2019 de 09:00 à 12:00" in err
    assert rdv("R3", "2019-10-01 10:00")[0] == 0


def test_creneaux_lists_the_free_slots_left_by_the_journals_bookings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    booking = ("--permanence", "ml-au-ccas", "--convention", CONVENTION, "--acteur", "c")
    when = ("--date", "2019-09-20 10:00")
    assert (
        run(capsys, "suivi", "rdv", j, "D1", "R2", "--quand", "2019-10-01 09:00", *booking, *when)[
            0
        ]
        == 0
    )
    search = ("creneaux", CONVENTION, "--journal", j, "--du", "01/10/2019", "--nombre", "2")
    code, out, _ = run(capsys, *search)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "Créneaux libres de 30 min à partir du 01/10/2019 00:00 (4 semaine(s))"
    assert lines[1].split() == ["Date", "Horaires", "Permanence", "Lieu", "Places", "libres"]
    assert lines[3].startswith("mar. 01/10/2019  09:30-10:00  ml-au-ccas")  # 09:00 is taken
    assert lines[4].startswith("mar. 01/10/2019  10:00-10:30")
    code, out, _ = run(capsys, *search, "--duree", "60", "--lang", "en")
    assert out.splitlines()[3].startswith("Tue 2019-10-01  10:00-11:00  ml-au-ccas")
    code, out, _ = run(capsys, "creneaux", CONVENTION, "--du", "2020-06-01")
    assert "Aucun créneau libre sur cette période." in out  # after the convention's period


def test_a_person_exports_and_erases_their_data_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    j = _journal(tmp_path, capsys)
    code, out, err = run(capsys, "suivi", "personne", j, "--exporter", "J1", "--format", "json")
    assert code == 0, err
    assert "non pseudonymisé" in err
    data = json.loads(out)
    assert data["pseudonymised"] is False
    assert [f["file"] for f in data["files"]] == ["D1"]
    # the command line kept no record of J1: its files are all there is, nothing is "erased"
    assert (data["record_status"], data["erased"], data["record"]) == (
        "never-recorded",
        False,
        None,
    )
    code, out, _ = run(capsys, "suivi", "personne", j, "--exporter", "J1")
    assert "aucune fiche enregistrée" in out and "effacé" not in out
    code, out, err = run(capsys, "--lang", "en", "suivi", "person", j, "--export", "J1")
    assert code == 0, err
    assert "not pseudonymised" in err
    assert "File D1" in out
    assert "none was ever stored" in out
    code, out, err = run(capsys, "suivi", "personne", j, "--exporter", "J9")
    assert code == 1 and "aucune donnée" in err
    code, _, err = run(capsys, "suivi", "personne", j, "--effacer", "J1", "--acteur", "dpo")
    assert code == 1  # no record was kept for J1 by the command line: nothing to erase
    code, out, _ = run(capsys, "suivi", "verifier", j)
    assert code == 0


def test_a_person_is_rectified_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from partenariat.followup.privacy import Beneficiary, record_beneficiary
    from partenariat.followup.sqlite import SqliteStore

    j = tmp_path / "j.sqlite"
    with SqliteStore.create(j) as store:
        record_beneficiary(
            store,
            Beneficiary("J1", contact="06 11"),
            at=datetime(2025, 3, 1, tzinfo=UTC),
            actor="a",
        )
    argv = ["suivi", "personne", str(j), "--rectifier", "J1", "--champ", "contact"]
    code, out, err = run(capsys, *argv, "--valeur", "07 22", "--acteur", "a", "--motif", "m")
    assert code == 0, err
    code, out, _ = run(capsys, "suivi", "personne", str(j), "--exporter", "J1")
    assert "contact : 07 22" in out
    assert "06 11 → 07 22 — m" in out
