"""Files that are not journals this version can use are refused, and never touched.

Another application's database, an empty database, a GeoPackage, a text file, a journal of a newer
version: each is refused with a clear error, byte-for-byte unchanged (checked with sha256), by the
Python API and by every ``partenariat suivi`` command that opens a journal. Damaged rows of a
journal that opens give the corrupt-journal error naming the file and the event; connections are
closed on every failure path.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from followup_helpers import followed_file

from partenariat.cli import main
from partenariat.followup.journal import Journal
from partenariat.followup.sqlite import SCHEMA_VERSION, JournalFileError, SqliteStore, identify

CONVENTION = str(
    Path(__file__).resolve().parents[2] / "examples" / "onet-le-chateau-mission-locale.toml"
)


def _sqlite(path: Path, *statements: str, wal: bool = False) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    for statement in statements:
        db.execute(statement)
    db.close()


def _text(path: Path) -> None:
    path.write_text("nom;prénom\nDupont;Jeanne\n", encoding="utf-8")


def _empty_file(path: Path) -> None:
    path.write_bytes(b"")


def _empty_database(path: Path) -> None:
    _sqlite(path, "VACUUM")


def _other_application(path: Path) -> None:
    _sqlite(path, "CREATE TABLE clients (nom TEXT)", "INSERT INTO clients VALUES ('Dupont')")


def _other_application_wal(path: Path) -> None:
    _sqlite(path, "CREATE TABLE clients (nom TEXT)", wal=True)


def _geopackage(path: Path) -> None:
    _sqlite(
        path,
        "PRAGMA application_id = 1196444487",  # 'GPKG'
        "PRAGMA user_version = 10300",
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL)",
    )


def _newer_journal(path: Path) -> None:
    SqliteStore.create(path).close()
    _sqlite(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _damaged_header(path: Path) -> None:
    SqliteStore.create(path).close()
    data = bytearray(path.read_bytes())
    data[56:60] = (7).to_bytes(4, "big")  # text encoding: no such value
    path.write_bytes(bytes(data))


FOREIGN: dict[str, tuple[Callable[[Path], None], str]] = {
    "texte": (_text, "etranger"),
    "fichier-vide": (_empty_file, "etranger"),
    "base-vide": (_empty_database, "etranger"),
    "autre-application": (_other_application, "etranger"),
    "autre-application-wal": (_other_application_wal, "etranger"),
    "geopackage": (_geopackage, "etranger"),
    "journal-plus-recent": (_newer_journal, "plus-recent"),
    "en-tete-endommage": (_damaged_header, "corrompu"),
}


def _snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file of ``folder`` (sidecar ``-wal``/``-shm`` files included)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture(params=sorted(FOREIGN))
def foreign(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "fichiers"
    folder.mkdir()
    make, reason = FOREIGN[request.param]
    path = folder / "suivi.sqlite"
    make(path)
    before = _snapshot(folder)
    yield path, reason
    assert _snapshot(folder) == before, "the refused file was modified"


def _open_fds() -> set[str]:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():  # pragma: no cover - not Linux
        return set()
    found = set()
    for fd in fd_dir.iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue
    return found


def test_the_python_api_refuses_them_unchanged(foreign: tuple[Path, str]) -> None:
    path, reason = foreign
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        for opener in (identify, SqliteStore.open):
            with pytest.raises(JournalFileError) as err:
                opener(path)
            assert err.value.reason == reason
            assert str(path) in str(err.value)
        with pytest.raises(JournalFileError, match="le fichier existe déjà"):
            SqliteStore.create(path)
        gc.collect()  # an unclosed connection would warn here
    assert not {fd for fd in _open_fds() if fd.startswith(str(path))}


def _commands(path: str) -> list[list[str]]:
    when = ["--date", "2019-09-12 10:00", "--acteur", "c"]
    refer = ["--convention", CONVENTION, "--dossier", "D1", "--personne", "J1"]
    purge = ["--aujourdhui", "2030-01-01", "--appliquer", "purger", "--acteur", "dpo"]
    return [
        ["suivi", "orienter", path, *refer, *when],
        ["suivi", "decision", path, "D1", "acceptee", *when],
        ["suivi", "rdv", path, "D1", "R1", "--quand", "2019-09-17 09:30", *when],
        ["suivi", "presence", path, "D1", "R1", "honore", *when],
        ["suivi", "transition", path, "D1", "clore", "--issue", "cdi", *when],
        ["suivi", "historique", path, "D1"],
        ["suivi", "conservation", path, "--aujourdhui", "2030-01-01"],
        ["suivi", "conservation", path, *purge],
        ["suivi", "export", path, "--convention", CONVENTION],
        ["suivi", "verifier", path],
        ["indicateurs", CONVENTION, "--journal", path],
    ]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    return code, err


def test_every_command_refuses_them_unchanged(
    foreign: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = foreign
    for argv in _commands(str(path)):
        code, err = _run(capsys, argv)
        assert code == 1, (argv, err)
        assert str(path) in err, (argv, err)
        assert "Traceback" not in err and "erreur interne" not in err, err
    code, err = _run(capsys, ["--lang", "en", "suivi", "verifier", str(path)])
    assert code == 1 and str(path) in err and "journal" in err and " : " not in err


# -- damaged journals that open ------------------------------------------------------------------


def _journal(path: Path) -> None:
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))


def _hand_edit(path: Path, *statements: str) -> None:
    """Change rows behind the journal's back (the append-only trigger dropped for the edit)."""
    _sqlite(path, "DROP TRIGGER events_append_only", *statements)


@pytest.mark.parametrize(
    ("edit", "event"),
    [
        ("UPDATE events SET data = '{\"person\": ' WHERE seq = 1", 1),
        ("UPDATE events SET data = '[1, 2]' WHERE seq = 2", 2),
        ("UPDATE events SET at = 'mardi dernier' WHERE seq = 3", 3),
        ("UPDATE events SET recorded_at = '2019-13-45' WHERE seq = 4", 4),
        ("UPDATE events SET at = '9999-12-31T23:59:59-23:00' WHERE seq = 2", 2),
    ],
)
def test_a_damaged_row_is_a_corrupt_journal_error_naming_the_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, event: int
) -> None:
    path = tmp_path / "j.sqlite"
    _journal(path)
    _hand_edit(path, edit)
    with SqliteStore.open(path) as store, pytest.raises(JournalFileError) as err:
        Journal(store).file("D1")
    assert err.value.reason == "corrompu"
    assert err.value.event == event
    assert str(path) in str(err.value)
    assert f"événement n° {event}" in str(err.value)
    assert f"event #{event}" in err.value.describe("en")
    for argv in (["suivi", "historique", str(path), "D1"], ["suivi", "verifier", str(path)]):
        code, err_text = _run(capsys, argv)
        assert code == 1, err_text
        assert str(path) in err_text and f"événement n° {event}" in err_text


def test_a_payload_missing_a_field_is_named_when_projections_are_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    _journal(path)
    _hand_edit(path, "UPDATE events SET data = '{}' WHERE seq = 1")
    with SqliteStore.open(path) as store, pytest.raises(JournalFileError) as err:
        store.rebuild_projections()
    assert (err.value.reason, err.value.event) == ("corrompu", 1)


def test_undecodable_text_is_a_corrupt_journal_error(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    _journal(path)
    _hand_edit(path, "UPDATE events SET actor = CAST(X'C328' AS TEXT) WHERE seq = 2")
    with SqliteStore.open(path) as store, pytest.raises(JournalFileError) as err:
        Journal(store).file("D1")
    assert err.value.reason == "corrompu"


def test_a_damaged_time_zone_is_a_corrupt_journal_error_and_the_file_is_closed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.sqlite"
    _journal(path)
    _sqlite(path, "UPDATE meta SET value = 'Europe/Atlantide' WHERE key = 'timezone'")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with pytest.raises(JournalFileError, match="Europe/Atlantide") as err:
            SqliteStore.open(path)
        gc.collect()
    assert err.value.reason == "corrompu"
    assert not {fd for fd in _open_fds() if fd.startswith(str(path))}


def test_a_truncated_journal_is_named_and_every_command_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        journal = Journal(store)
        for n in range(30):
            followed_file(journal, f"D{n}", person=f"J{n}")
    data = path.read_bytes()
    for size in (50, 4096, len(data) // 2, len(data) - 4096):
        path.write_bytes(data[:size])
        for argv in (
            ["suivi", "verifier", str(path)],
            ["suivi", "historique", str(path), "D29"],
            ["suivi", "historique", str(path), "D29", "--format", "json"],
        ):
            code, err = _run(capsys, argv)
            assert code == 1, (size, argv, err)
            assert str(path) in err, (size, argv, err)
            assert "erreur interne" not in err


def test_a_journal_left_with_its_write_ahead_log_still_opens(tmp_path: Path) -> None:
    # the main file's header lags behind the log until a checkpoint: identification reads both
    path = tmp_path / "j.sqlite"
    keep = SqliteStore.create(path)
    followed_file(Journal(keep))
    try:
        assert identify(path) == SCHEMA_VERSION
        with SqliteStore.open(path) as store:
            assert Journal(store).file("D1").state == "en-suivi"
    finally:
        keep.close()


def test_damaged_pages_give_the_corrupt_journal_error_naming_the_file(tmp_path: Path) -> None:
    # Fuzzing found SQLite reporting such damage with bytes that are not UTF-8 (now translated).
    from partenariat.followup.sqlite import JournalFileError, SqliteStore

    path = tmp_path / "j.sqlite"
    SqliteStore.create(path).close()
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 97):  # damage every page after the header's
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(JournalFileError) as caught, SqliteStore.open(path) as store:
        store.verify()
    assert str(path) in caught.value.describe("fr")
