"""The PostgreSQL journal: what it refuses, and how it says so.

The behaviour both engines share is in ``test_store_contract.py`` and ``test_durability.py``;
here, what only a server has: connection addresses, other applications' schemas, newer schemas,
a connection lost in the middle of a batch, and the append-only rule enforced by the database.
Skipped without a server (failed under CI, see ``postgres_server``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from followup_helpers import at, followed_file
from postgres_server import Schema, admin, server_url

from partenariat.errors import PartenariatError
from partenariat.followup import journal as j
from partenariat.followup.journal import Event, Journal
from partenariat.followup.opening import create_store, location_from, open_store
from partenariat.followup.postgres import schema as sch
from partenariat.followup.postgres.connection import JournalDatabaseError, redact
from partenariat.followup.postgres.store import PostgresStore


@pytest.fixture
def schema() -> Iterator[Schema]:
    made = Schema()
    yield made
    made.drop()


@pytest.fixture
def store(schema: Schema) -> Iterator[PostgresStore]:
    with PostgresStore.create(schema.url) as s:
        yield s


def snapshot(name: str) -> list[tuple[Any, ...]]:
    """Every table of schema ``name`` with its rows, to show it was left unchanged."""
    with admin() as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (name,)
            )
        ]
        return [
            (t, db.execute(f'SELECT * FROM "{name}"."{t}" ORDER BY 1').fetchall()) for t in tables
        ]


def note(n: int = 0) -> Event:
    return Event("note", at(2019, 9, 10) + timedelta(minutes=n), "agent", "why", {"n": n})


# -- locations ---------------------------------------------------------------------------------
def test_a_location_chooses_the_engine(tmp_path: Any, schema: Schema) -> None:
    with create_store(schema.url) as store:
        assert isinstance(store, PostgresStore)
    with open_store(schema.url) as store:
        assert isinstance(store, PostgresStore)
    with create_store(tmp_path / "j.sqlite") as other:
        assert not isinstance(other, PostgresStore)


def test_the_environment_gives_the_location_when_none_is_given() -> None:
    environ = {"PARTENARIAT_DATABASE_URL": "postgresql://ccas@db/suivi"}
    assert location_from(None, environ) == "postgresql://ccas@db/suivi"
    assert location_from("j.sqlite", environ) == "j.sqlite"
    with pytest.raises(PartenariatError, match="PARTENARIAT_DATABASE_URL"):
        location_from(None, {})


def test_a_password_is_never_shown() -> None:
    assert redact("postgresql://ccas:s3cret@db.example:5433/suivi?schema=x&sslmode=require") == (
        "postgresql://ccas@db.example:5433/suivi?schema=x"
    )


@pytest.mark.parametrize(
    ("location", "reason", "says"),
    [
        ("postgresql://ccas:s3cret@127.0.0.1:notaport/test", "adresse", "illisible"),
        ("postgresql://ccas:s3cret@127.0.0.1/test?sslmode=sometimes", "adresse", "illisible"),
        ("postgresql://ccas:s3cret@127.0.0.1/test?schema=Bad-Name", "adresse", "schéma"),
        ("postgresql://ccas:s3cret@127.0.0.1:1/test", "connexion", "vérifiez qu'il est démarré"),
    ],
)
def test_a_bad_address_or_a_refused_connection_is_a_clear_error(
    location: str, reason: str, says: str
) -> None:
    with pytest.raises(JournalDatabaseError) as err:
        open_store(location)
    assert err.value.reason == reason
    assert says in str(err.value)
    assert "127.0.0.1" in str(err.value)
    assert "s3cret" not in str(err.value) and "s3cret" not in repr(err.value.__cause__)


def test_an_unknown_database_says_what_to_check() -> None:
    Schema()  # skips without a server
    url = server_url().rsplit("/", 1)[0] + "/partenariat_nulle_part"
    with pytest.raises(JournalDatabaseError) as err:
        open_store(url)
    assert err.value.reason == "authentification"
    assert "nom de la base" in str(err.value)


def test_a_missing_journal_is_absent(schema: Schema) -> None:
    with pytest.raises(JournalDatabaseError) as err:
        open_store(schema.url)
    assert err.value.reason == "absent"
    assert "suivi creer" in str(err.value)


# -- other applications, newer schemas ---------------------------------------------------------
def test_another_applications_schema_is_refused_unchanged(schema: Schema) -> None:
    with admin() as db:
        db.execute(f'CREATE SCHEMA "{schema.name}"')
        db.execute(f'CREATE TABLE "{schema.name}".parcelles (id int PRIMARY KEY, nom text)')
        db.execute(f"INSERT INTO \"{schema.name}\".parcelles VALUES (1, 'Onet')")
    before = snapshot(schema.name)
    for attempt in (open_store, create_store):
        with pytest.raises(JournalDatabaseError) as err:
            attempt(schema.url)
        assert err.value.reason == "etranger"
        assert "n'est pas un journal partenariat" in str(err.value)
        assert snapshot(schema.name) == before


def test_a_meta_table_of_another_application_is_refused_unchanged(schema: Schema) -> None:
    with admin() as db:
        db.execute(f'CREATE SCHEMA "{schema.name}"')
        db.execute(f'CREATE TABLE "{schema.name}".meta (key text, value text)')
        db.execute(f"INSERT INTO \"{schema.name}\".meta VALUES ('application', 'geoserver')")
    before = snapshot(schema.name)
    with pytest.raises(JournalDatabaseError) as err:
        open_store(schema.url)
    assert err.value.reason == "etranger"
    assert snapshot(schema.name) == before


def test_a_journal_of_a_newer_schema_is_refused_unchanged(
    store: PostgresStore, schema: Schema
) -> None:
    followed_file(Journal(store))
    with admin() as db:
        db.execute(f"UPDATE \"{schema.name}\".meta SET value = '99' WHERE key = 'schema_version'")
    before = snapshot(schema.name)
    with pytest.raises(JournalDatabaseError) as err:
        open_store(schema.url)
    assert err.value.reason == "plus-recent"
    assert "mettez partenariat à jour" in str(err.value)
    assert snapshot(schema.name) == before


def test_creating_over_a_journal_is_refused(store: PostgresStore, schema: Schema) -> None:
    with pytest.raises(JournalDatabaseError) as err:
        create_store(schema.url)
    assert err.value.reason == "existe"


def test_an_older_journal_is_migrated_forward(
    schema: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sch, "SCHEMA_VERSION", 1)
        with PostgresStore.create(schema.url) as old:
            followed_file(Journal(old))
    with admin() as db:
        assert db.execute(
            f"SELECT value FROM \"{schema.name}\".meta WHERE key = 'schema_version'"
        ).fetchone() == ("1",)
    with open_store(schema.url) as again:
        assert again.count_events() == 6
        assert again.verify() == []
    with admin() as db:
        assert db.execute(
            f"SELECT value FROM \"{schema.name}\".meta WHERE key = 'schema_version'"
        ).fetchone() == (str(sch.SCHEMA_VERSION),)
        assert db.execute("SELECT to_regclass(%s)", (f"{schema.name}.structures",)).fetchone()[0]


def test_a_structure_granted_before_migration_4_still_reads_its_files_after_it(
    schema: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sch, "SCHEMA_VERSION", 3)
        with PostgresStore.create(schema.url) as old:
            followed_file(Journal(old))
            old.grant_structure("ml-aveyron")
    with open_store(schema.url) as owner:  # migrated to 4: the events policy reads the new table
        owner.grant_structure("ml-aveyron", permanences=["perm-onet"])
        assert owner.held_permanences("ml-aveyron") == ("perm-onet",)
    with open_store(schema.url, structure="ml-aveyron") as ml:
        assert ml.file_ids() == ["D1"]
        assert ml.stream_version(j.FILE_PREFIX + "D1") == 6


# -- the database enforces the journal's rules ----------------------------------------------------
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {s}.events SET actor = 'x'", "DELETE FROM {s}.events", "TRUNCATE {s}.events"],
)
def test_events_cannot_be_changed_or_deleted_even_with_raw_sql(
    store: PostgresStore, schema: Schema, statement: str
) -> None:
    import psycopg

    followed_file(Journal(store))
    with admin() as db, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        db.execute(statement.format(s=f'"{schema.name}"'))
    assert store.count_events() == 6


def test_verify_finds_an_event_edited_behind_the_journals_back(
    store: PostgresStore, schema: Schema
) -> None:
    followed_file(Journal(store))
    seq = store.read_stream(j.FILE_PREFIX + "D1")[2].seq
    with admin() as db:
        db.execute(f'ALTER TABLE "{schema.name}".events DISABLE TRIGGER events_append_only')
        db.execute(f"UPDATE \"{schema.name}\".events SET actor = 'x' WHERE seq = %s", (seq,))
    problems = store.verify()
    assert f"événement n° {seq} (dossier:D1) : empreinte incorrecte" in problems[-1]
    assert any("events_append_only modifié" in p for p in problems)


def test_verify_finds_projections_that_drifted(store: PostgresStore, schema: Schema) -> None:
    followed_file(Journal(store))
    with admin() as db:
        db.execute(f"UPDATE \"{schema.name}\".appointments SET status = 'absent'")
    assert store.verify() == ["projection appointments différente des événements"]
    store.rebuild_projections()
    assert store.verify() == []


def test_a_connection_lost_in_the_middle_of_a_batch_writes_nothing(
    store: PostgresStore, schema: Schema
) -> None:
    journal = Journal(store)
    followed_file(journal)
    # the server ends the session while the batch's projections are being written
    with admin() as db:
        db.execute(
            f'CREATE FUNCTION "{schema.name}".cut() RETURNS trigger LANGUAGE plpgsql AS'
            " $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$"
        )
        db.execute(
            f'CREATE TRIGGER cut BEFORE INSERT ON "{schema.name}".files FOR EACH ROW'
            f" WHEN (NEW.file_id = 'D-COUPE') EXECUTE FUNCTION \"{schema.name}\".cut()"
        )
    writes = [(j.FILE_PREFIX + "D1", 6, [note(1)]), (j.FILE_PREFIX + "D-COUPE", 0, [note(2)])]
    referral = Event(
        j.REFERRAL_SENT,
        at(2019, 9, 20),
        "agent",
        data={
            "person": "J9",
            "convention": "onet-ml-2019",
            "partner": "ml",
            "expires_on": "2019-10-20",
        },
    )
    writes[1] = (j.FILE_PREFIX + "D-COUPE", 0, [referral])
    with pytest.raises(JournalDatabaseError) as err:
        store.append_many(writes)
    assert err.value.reason == "interrompu"
    assert "jamais à moitié" in str(err.value)
    with open_store(schema.url) as again:
        assert again.count_events() == 6
        assert again.file_ids() == ["D1"]
        assert again.verify() == []


def test_indicator_facts_of_a_period_without_anything(store: PostgresStore) -> None:
    facts = store.indicator_facts("onet-ml-2019", date(2019, 1, 1), date(2019, 12, 31))
    assert not facts.followed and not facts.referrals and not facts.outcomes
