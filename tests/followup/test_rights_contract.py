"""People's rights, on every backend: erasure by crypto-shredding leaves nothing readable.

The stores are those of :mod:`test_store_contract` (SQLite and PostgreSQL factories). The raw
storage is searched for the personal values: the SQLite file and its write-ahead log byte by byte,
every row of every table of the PostgreSQL schema as text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pytest
from followup_helpers import at, followed_file
from postgres_server import admin
from test_store_contract import FACTORIES, PostgresFactory, SqliteFactory, StoreFactory

from partenariat.errors import InputError
from partenariat.followup import journal as j
from partenariat.followup.journal import Journal
from partenariat.followup.privacy import (
    Beneficiary,
    Fact,
    apply_retention,
    load_beneficiary,
    record_beneficiary,
    retention_candidates,
)
from partenariat.followup.rights import (
    PERSON_RECTIFIED,
    erase_person,
    export_person,
    rectify_person,
)
from partenariat.followup.shredding import ERASED
from partenariat.followup.store import JournalStore

SECRETS = ("Jeanne Dubois-Secret", "06 12 34 56 78", "1996-04-23")


@pytest.fixture(params=sorted(FACTORIES))
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    made = FACTORIES[request.param](tmp_path)
    yield made
    made.cleanup()


def raw_storage(factory: StoreFactory) -> bytes:
    """Everything the backend has written, as bytes (text of every row on PostgreSQL)."""
    if isinstance(factory, SqliteFactory):
        files = [factory.path, Path(f"{factory.path}-wal")]
        return b"".join(p.read_bytes() for p in files if p.exists())
    assert isinstance(factory, PostgresFactory)
    found: list[bytes] = []
    with admin() as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (factory.schema.name,),
        ).fetchall()
        for (table,) in tables:
            query = f'SELECT t::text FROM "{factory.schema.name}"."{table}" AS t'
            found.extend(str(row[0]).encode() for row in db.execute(query))
            # bytea columns print as hex: decode them too
            found.extend(
                bytes(v)
                for row in db.execute(f'SELECT * FROM "{factory.schema.name}"."{table}"')
                for v in row
                if isinstance(v, bytes | memoryview)
            )
    return b"\n".join(found)


def jeanne() -> Beneficiary:
    return Beneficiary(
        "J1",
        display_name=SECRETS[0],
        birth_date=date(1996, 4, 23),
        commune="12176",
        contact=SECRETS[1],
        facts=(Fact("rqth", True),),
    )


def test_personal_fields_are_never_stored_in_clear(factory: StoreFactory) -> None:
    store = factory.create()
    try:
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        assert load_beneficiary(store, "J1") == jeanne()
    finally:
        store.close()
    raw = raw_storage(factory)
    for value in SECRETS:
        assert value.encode() not in raw


def test_an_erased_person_cannot_be_read_and_the_journal_stays_sound(
    factory: StoreFactory,
) -> None:
    store: JournalStore = factory.create()
    try:
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        followed_file(Journal(store))
        erase_person(store, "J1", at=at(2020, 1, 6), actor="dpo", reason="demande du 02/01")
        assert store.get_person("J1") is None
        assert store.file_ids() == ["D1"]  # the anonymous history still counts
        [erased] = store.read_stream(j.RETENTION_STREAM)
        assert (erased.kind, erased.actor, erased.reason) == (
            j.PERSON_ERASED,
            "dpo",
            "demande du 02/01",
        )
        assert "J1" not in str(erased.data)
        assert store.verify() == []  # type: ignore[attr-defined]
        with pytest.raises(InputError):
            erase_person(store, "J1", at=at(2020, 1, 7), actor="dpo", reason="encore")
    finally:
        store.close()
    raw = raw_storage(factory)
    for value in SECRETS:
        assert value.encode() not in raw


def test_the_keys_of_erased_people_are_gone(factory: StoreFactory) -> None:
    store = factory.create()
    try:
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        record_beneficiary(
            store, Beneficiary("J2", display_name="Paul"), at=at(2019, 9, 10), actor="a"
        )
        erase_person(store, "J1", at=at(2020, 1, 6), actor="dpo", reason="demande")
        assert load_beneficiary(store, "J2") == Beneficiary("J2", display_name="Paul")
    finally:
        store.close()
    if isinstance(factory, PostgresFactory):
        with admin() as db:
            keys = db.execute(f'SELECT person FROM "{factory.schema.name}".person_keys').fetchall()
        assert keys == [("J2",)]
    else:
        db = sqlite3.connect(factory.path)
        try:
            assert db.execute("SELECT person FROM person_keys").fetchall() == [("J2",)]
        finally:
            db.close()


def test_an_erasure_needs_a_reason(factory: StoreFactory) -> None:
    store = factory.create()
    try:
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        with pytest.raises(InputError):
            erase_person(store, "J1", at=at(2020, 1, 6), actor="dpo", reason=" ")
        assert store.get_person("J1") is not None
    finally:
        store.close()


def test_an_export_holds_everything_of_the_person_and_nothing_of_another(
    factory: StoreFactory,
) -> None:
    store = factory.create()
    try:
        journal = Journal(store)
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        record_beneficiary(
            store, Beneficiary("J2", display_name="Paul Autre"), at=at(2019, 9, 10), actor="a"
        )
        followed_file(journal, "D1", person="J1")
        followed_file(journal, "D2", person="J2")
        data = export_person(journal, "J1")
        assert data["pseudonymised"] is False
        assert data["record"]["display_name"] == SECRETS[0]
        assert data["record"]["facts"] == [{"name": "rqth", "value": True, "sensitive": True}]
        assert [f["file"] for f in data["files"]] == ["D1"]
        kinds = [e["kind"] for e in data["files"][0]["events"]]
        assert j.REFERRAL_SENT in kinds
        assert j.REFERRAL_DECIDED in kinds
        assert len(data["record_changes"]) == 1
        assert (data["record_status"], data["erased"]) == ("held", False)
        text = json.dumps(data, ensure_ascii=False)
        assert "Paul" not in text
        assert "D2" not in text
        assert "J2" not in text
        erase_person(store, "J1", at=at(2020, 1, 6), actor="dpo", reason="demande")
        after = export_person(journal, "J1")
        assert after["erased"] is True
        assert after["record_status"] == "erased"
        assert after["record"]["display_name"] == ERASED
        assert [f["file"] for f in after["files"]] == ["D1"]
    finally:
        store.close()


def test_a_rectification_is_an_event_reads_show_the_new_value_and_history_keeps_both(
    factory: StoreFactory,
) -> None:
    store = factory.create()
    try:
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        rectify_person(
            store,
            "J1",
            "contact",
            "07 00 00 00 01",
            at=at(2019, 10, 1),
            actor="agent-ccas",
            reason="numéro changé",
        )
        assert load_beneficiary(store, "J1") == attrs.evolve(jeanne(), contact="07 00 00 00 01")
        last = store.read_stream(j.PERSON_PREFIX + "J1")[-1]
        assert (last.kind, last.actor, last.reason) == (
            PERSON_RECTIFIED,
            "agent-ccas",
            "numéro changé",
        )
        assert last.data == {"person": "J1", "field": "contact"}
        [change] = export_person(Journal(store), "J1")["record"]["rectifications"]
        assert (change["before"], change["after"]) == (SECRETS[1], "07 00 00 00 01")
        with pytest.raises(InputError):
            rectify_person(
                store, "J1", "birth_date", "30/02/1996", at=at(2019, 10, 2), actor="a", reason="r"
            )
        with pytest.raises(InputError):
            rectify_person(store, "J1", "id", "J9", at=at(2019, 10, 2), actor="a", reason="r")
        erase_person(store, "J1", at=at(2020, 1, 6), actor="dpo", reason="demande")
        assert store.verify() == []  # type: ignore[attr-defined]
    finally:
        store.close()
    raw = raw_storage(factory)
    for value in (*SECRETS, "07 00 00 00 01"):
        assert value.encode() not in raw


def test_the_retention_purge_erases_people_by_destroying_their_keys(factory: StoreFactory) -> None:
    store = factory.create()
    try:
        journal = Journal(store)
        record_beneficiary(store, jeanne(), at=at(2019, 9, 10), actor="agent")
        followed_file(journal)
        candidates = retention_candidates(journal, today=date(2022, 1, 1))
        report = apply_retention(journal, candidates, at=at(2022, 1, 1), actor="dpo")
        assert report.persons_erased == ("J1",)
        assert store.get_person("J1") is None
        assert export_person(journal, "J1")["record"]["contact"] == ERASED
        assert store.verify() == []  # type: ignore[attr-defined]
    finally:
        store.close()
    raw = raw_storage(factory)
    for value in SECRETS:
        assert value.encode() not in raw
