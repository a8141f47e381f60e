"""The SQLite journal file: marked, versioned, migrated, append-only; foreign files refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from followup_helpers import at, followed_file

from partenariat.followup.journal import Event, Journal
from partenariat.followup.sqlite import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    JournalFileError,
    SqliteStore,
)


def test_a_new_journal_is_marked_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    SqliteStore.create(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_events_survive_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
        before = Journal(store).file("D1")
    with SqliteStore.open(path) as store:
        assert Journal(store).file("D1") == before
        assert store.verify() == []


def test_creating_over_an_existing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    path.write_text("précieux")
    with pytest.raises(JournalFileError, match="le fichier existe déjà") as err:
        SqliteStore.create(path)
    assert err.value.reason == "existe"
    assert path.read_text() == "précieux"


def test_a_missing_journal(tmp_path: Path) -> None:
    with pytest.raises(JournalFileError, match="journal introuvable"):
        SqliteStore.open(tmp_path / "absent.sqlite")


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("nom;prénom\n", encoding="utf-8")
    with pytest.raises(JournalFileError) as err:
        SqliteStore.open(path)
    assert err.value.reason == "etranger"
    assert "n'est pas un journal partenariat" in str(err.value)
    assert str(path) in str(err.value)
    assert "not a partenariat journal" in err.value.describe("en")


def test_a_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE clients (nom TEXT)")
    db.commit()
    db.close()
    with pytest.raises(JournalFileError, match="n'est pas un journal partenariat"):
        SqliteStore.open(path)
    # and it was left untouched
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    db.close()


def test_a_journal_of_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    SqliteStore.create(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(JournalFileError) as err:
        SqliteStore.open(path)
    assert err.value.reason == "plus-recent"
    assert f"schéma v{SCHEMA_VERSION + 1}, plus récent" in str(err.value)
    assert "mettez partenariat à jour" in str(err.value)


def test_a_corrupt_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        journal = Journal(store)
        for n in range(30):
            followed_file(journal, f"D{n}", person=f"J{n}")
    with SqliteStore.open(path):  # checkpoint the WAL into the main file on close
        pass
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[page + 20 : 3 * page] = b"\xff" * (2 * page - 20)  # trash pages 2 and 3
    path.write_bytes(bytes(data))

    def read_everything() -> None:
        with SqliteStore.open(path) as store:
            for file_id in store.file_ids():
                Journal(store).file(file_id)

    with pytest.raises(JournalFileError) as err:
        read_everything()
    assert err.value.reason == "corrompu"
    assert "journal corrompu" in str(err.value)
    assert "restaurez une sauvegarde" in str(err.value)


def test_verify_reports_projections_that_drifted_from_the_events(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
    db = sqlite3.connect(path)
    db.execute("UPDATE appointments SET status = 'absent'")  # a hand edit behind the journal's back
    db.commit()
    db.close()
    with SqliteStore.open(path) as store:
        # the hand edit also moved the counts and the attended days its triggers maintain
        assert store.verify() == [
            "projection files différente des événements",
            "projection appointments différente des événements",
            "projection appointment_counts différente des événements",
        ]
        store.rebuild_projections()
        assert store.verify() == []


def test_an_older_journal_is_migrated_and_its_projections_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
        events = list(store.iter_events())
    # build the same journal as schema v1 wrote it: events only
    old = tmp_path / "v1.sqlite"
    db = sqlite3.connect(old, isolation_level=None)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for statement in MIGRATIONS[1]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO meta VALUES ('timezone', 'Europe/Paris')")
    db.execute("INSERT INTO meta VALUES ('pseudonym_key', ?)", ("ab" * 32,))
    for e in events:
        db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.seq,
                e.stream,
                e.version,
                e.kind,
                e.at.isoformat(),
                e.actor,
                e.reason,
                __import__("json").dumps(dict(e.data)),
                e.recorded_at.isoformat(),
            ),  # type: ignore[union-attr]
        )
    db.close()
    with SqliteStore.open(old) as store:
        assert store.file_ids() == ["D1"]
        assert Journal(store).file("D1").state == "en-suivi"
        assert store.verify() == []
    db = sqlite3.connect(old)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_events_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET actor = 'quelqu-un' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events WHERE seq = 1")
    db.close()


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        note = Event("note", at(2019, 9, 10), "a", "", {})
        store.append("dossier:X", [note], expected_version=0)
        from partenariat.followup.journal import ConflictError

        with pytest.raises(ConflictError):
            store.append_many([("dossier:Y", 0, [note, note]), ("dossier:X", 0, [note])])
        assert store.stream_version("dossier:Y") == 0
        assert store.count_events() == 1


def test_the_recorded_time_comes_from_the_injected_clock(tmp_path: Path) -> None:
    fixed = at(2030, 1, 1)
    with SqliteStore.create(tmp_path / "j.sqlite", clock=lambda: fixed) as store:
        (stored,) = store.append("s", [Event("note", at(2019, 9, 10), "a")], expected_version=0)
        assert stored.recorded_at == fixed
        assert store.read_stream("s")[0].recorded_at == fixed


def test_verify_reports_its_progress_through_the_events(tmp_path: Path) -> None:
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        journal = Journal(store)
        for n in range(3):
            followed_file(journal, f"D{n}", person=f"J{n}")
        calls: list[tuple[int, int]] = []
        assert store.verify(lambda done, total: calls.append((done, total))) == []
        # every event is hashed, then the file events are replayed
        total = 2 * sum(len(journal.history(f"D{n}")) for n in range(3))
        assert calls[-1] == (total, total)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_event_edited_behind_the_journals_back_is_reported_by_its_number(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
        followed_file(Journal(store), "D2", person="J2")
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER events_append_only")
    db.execute("UPDATE events SET actor = 'quelqu-un' WHERE seq = 3")
    db.execute("UPDATE events SET reason = 'corrigé' WHERE seq = 9")
    db.commit()
    db.close()
    with SqliteStore.open(path) as store:
        assert store.verify() == [
            "déclencheur events_append_only absent : le journal n'est plus protégé",
            "événement n° 3 (dossier:D1) : empreinte incorrecte, modifié après son écriture",
            "événement n° 9 (dossier:D2) : empreinte incorrecte, modifié après son écriture",
        ]


def test_a_deleted_event_breaks_the_chain_of_its_stream(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER events_no_delete")
    db.execute("DELETE FROM events WHERE seq = 2")
    db.commit()
    db.close()
    with SqliteStore.open(path) as store:
        problems = store.verify()
    assert "versions non contiguës : dossier:D1" in problems
    assert "déclencheur events_no_delete absent : le journal n'est plus protégé" in problems
    assert any(p.startswith("événement n° 3 (dossier:D1)") for p in problems)


def test_a_journal_of_schema_2_gets_its_chain_computed(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
    db = sqlite3.connect(path, isolation_level=None)
    hashes = db.execute("SELECT seq, hash FROM events ORDER BY seq").fetchall()
    db.execute("ALTER TABLE events DROP COLUMN hash")
    db.execute("DROP TABLE person_keys")
    db.execute("PRAGMA user_version = 2")
    db.close()
    with SqliteStore.open(path) as store:
        assert store.verify() == []
        Journal(store).transition("D1", "clore", at=at(2019, 12, 1), actor="c", outcome="cdi")
        assert store.verify() == []
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    assert db.execute("SELECT seq, hash FROM events ORDER BY seq").fetchall()[:-1] == hashes
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET actor = 'x' WHERE seq = 1")
    db.close()


def test_a_journal_of_schema_3_gets_its_records_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    SqliteStore.create(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TABLE person_keys")
    db.execute("""INSERT INTO persons VALUES ('J1', '{"display_name": "Jeanne Secret"}')""")
    db.execute("PRAGMA user_version = 3")
    db.close()
    with SqliteStore.open(path) as store:
        assert store.get_person("J1") == {"display_name": "Jeanne Secret"}
        assert store.verify() == []
    assert b"Jeanne Secret" not in path.read_bytes()
