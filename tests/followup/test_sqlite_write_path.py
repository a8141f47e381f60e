"""The SQLite store's fast paths give the same rows as the plain ones.

- a file whose whole history is appended in one batch is folded in memory and inserted in one go:
  its projections equal those written event by event, and a rebuild's;
- the chain hash is computed without building a JSON array, with the same bytes;
- ``verify`` reads one snapshot without blocking writers, and finds every projection table that
  drifted.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from followup_helpers import at, followed_file
from hypothesis import given
from hypothesis import strategies as st

from partenariat.followup.journal import FILE_PREFIX, Event, Journal
from partenariat.followup.simulation import bulk_file_events
from partenariat.followup.sqlite import SqliteStore, _payload_json, chain_hash

_TABLES = {
    "files": "file_id",
    "appointments": "file_id, appointment_id",
    "transitions": "seq",
    "appointment_counts": "convention, day, status, permanence, slot_start",
}


def _projections(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {
            table: db.execute(
                f"SELECT * FROM {table}"
                + (" WHERE n != 0" if table == "appointment_counts" else "")
                + f" ORDER BY {order}"
            ).fetchall()
            for table, order in _TABLES.items()
        }
    finally:
        db.close()


def _files(n: int, seed: int = 7) -> list[tuple[str, list[Event]]]:
    rng = random.Random(seed)
    return [
        (
            f"F{i}",
            bulk_file_events(
                f"F{i}",
                convention="c1" if i % 3 else "c2",
                partner="ml",
                start=date(2019, 1, 1),
                end=date(2019, 12, 31),
                rng=rng,
            ),
        )
        for i in range(n)
    ]


def test_files_appended_whole_in_a_batch_get_the_rows_of_an_event_by_event_write(
    tmp_path: Path,
) -> None:
    files = _files(40)
    with SqliteStore.create(tmp_path / "batch.sqlite") as store:
        # whole files, two writes to one stream, and a file split over two batches
        store.append_many([(FILE_PREFIX + f, 0, events) for f, events in files[:30]])
        name, events = files[30]
        store.append_many(
            [(FILE_PREFIX + name, 0, events[:3]), (FILE_PREFIX + name, 3, events[3:])]
        )
        for name, events in files[31:]:
            store.append_many([(FILE_PREFIX + name, 0, events[:4])])
            store.append_many([(FILE_PREFIX + name, 4, events[4:])])
        assert store.verify() == []
    with SqliteStore.create(tmp_path / "one-by-one.sqlite") as store:
        for name, events in files:
            for version, event in enumerate(events):
                store.append(FILE_PREFIX + name, [event], expected_version=version)
    batch = _projections(tmp_path / "batch.sqlite")
    one_by_one = _projections(tmp_path / "one-by-one.sqlite")
    # the sequence numbers of the transitions differ: compare them without it
    assert [r[1:] for r in batch.pop("transitions")] == [
        r[1:] for r in one_by_one.pop("transitions")
    ]
    assert batch == one_by_one
    assert any(row[11] is not None for row in batch["files"])  # attended days were set
    with SqliteStore.open(tmp_path / "batch.sqlite") as store:
        store.rebuild_projections()
        assert store.verify() == []
    assert _projections(tmp_path / "batch.sqlite")["files"] == batch["files"]


def test_a_batch_mixing_new_files_and_files_written_before(tmp_path: Path) -> None:
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        journal = Journal(store)
        followed_file(journal, "D1", person="J1")
        (name, events), *_ = _files(1)
        closing = Event(
            "transition",
            at(2019, 12, 20),
            "conseiller",
            "",
            {"name": "clore", "from": "en-suivi", "to": "sorti", "outcome": "cdi"},
        )
        store.append_many(
            [
                (FILE_PREFIX + name, 0, events),
                (FILE_PREFIX + "D1", store.stream_version(FILE_PREFIX + "D1"), [closing]),
            ]
        )
        assert store.verify() == []
        before = _projections(tmp_path / "j.sqlite")
        store.rebuild_projections()
        assert _projections(tmp_path / "j.sqlite") == before


def test_an_event_before_its_file_changes_no_projection(tmp_path: Path) -> None:
    planned = Event(
        "rdv.planifie",
        at(2019, 9, 1),
        "c",
        "",
        {"appointment": "R1", "at": at(2019, 9, 9).isoformat(), "modality": "visio", "slot": None},
    )
    with SqliteStore.create(tmp_path / "j.sqlite") as store:
        store.append_many([("dossier:X", 0, [planned])])
        assert store.verify() == []
    assert _projections(tmp_path / "j.sqlite")["appointments"] == []


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ['"', "\\", "\n\r\t\b\f", "\x00\x01\x1f\x7f", "\u2028\u2029", "é à ç 🙂", "</script>"]
)


@given(
    previous=_TEXT,
    seq=st.integers(1, 2**62),
    version=st.integers(1, 2**31),
    texts=st.lists(_TEXT, min_size=7, max_size=7),
)
def test_the_chain_hash_is_the_hash_of_the_json_array(
    previous: str, seq: int, version: int, texts: list[str]
) -> None:
    stream, kind, when, actor, reason, data, recorded = texts
    row = (seq, stream, version, kind, when, actor, reason, data, recorded)
    text = json.dumps([previous, *row], ensure_ascii=False, separators=(",", ":"))
    assert chain_hash(previous, row) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_chain_hash_of_values_of_other_types_is_still_defined() -> None:
    row = (1.5, "s", 2, "k", "a", "b", "c", "{}", "r")
    text = json.dumps(["", *row], ensure_ascii=False, separators=(",", ":"))
    assert chain_hash("", row) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_verify_does_not_hold_writers_back(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        for n in range(3):
            followed_file(Journal(store), f"D{n}", person=f"J{n}")
    note = Event("note", at(2019, 10, 1), "accueil", "", {"texte": "appel"})
    with SqliteStore.open(path) as checker, SqliteStore.open(path) as writer:
        written: list[int] = []

        def write_meanwhile(done: int, total: int) -> None:
            # another connection appends while the check is under way: it is not blocked, and
            # the check goes on with the snapshot it started with
            if not written:
                written.extend(
                    e.seq for e in writer.append("dossier:D1", [note], expected_version=6)
                )

        assert checker.verify(write_meanwhile) == []
        assert written
        assert checker.verify() == []
        assert checker.count_events() == written[0]


def test_verify_finds_a_transition_changed_behind_the_journals_back(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with SqliteStore.create(path) as store:
        followed_file(Journal(store))
    db = sqlite3.connect(path)
    db.execute("UPDATE transitions SET outcome = 'cdi'")
    db.commit()
    db.close()
    with SqliteStore.open(path) as store:
        assert store.verify() == ["projection transitions différente des événements"]
        store.rebuild_projections()
        assert store.verify() == []


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(_TEXT, _JSON_VALUES, max_size=6))
def test_payloads_are_stored_as_the_json_encoder_writes_them(payload: dict[str, object]) -> None:
    expected = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    assert _payload_json(payload) == expected


def test_a_payload_that_cannot_be_encoded_leaves_the_encoder_usable() -> None:
    circular: dict[str, object] = {"a": 1}
    circular["self"] = circular
    for bad in ({"when": date(2019, 1, 1)}, circular):
        with pytest.raises((TypeError, ValueError)):
            _payload_json(bad)
        assert _payload_json({"a": [1, {"b": "é"}]}) == '{"a":[1,{"b":"é"}]}'


def test_stored_hashes_are_the_chain_hashes_of_the_stored_rows(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    odd = Event("note", at(2019, 9, 10), 'agent "é"\n\\', "raison\u2028🙂", {"t": 'a"b\\c\x01'})
    with SqliteStore.create(path) as store:
        store.append_many([("dossier:D1", 0, [odd, odd]), ("autre", 0, [odd])])
        store.append("dossier:D1", [odd], expected_version=2)
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT seq, stream, version, kind, at, actor, reason, data, recorded_at, hash"
        " FROM events ORDER BY stream, version"
    ).fetchall()
    db.close()
    previous = {"dossier:D1": "", "autre": ""}
    for *row, stored in rows:
        assert stored == chain_hash(previous[row[1]], row)
        previous[row[1]] = stored
