"""The query side of a PostgreSQL journal: listings, exported appointments, indicator facts.

Every indicator fact is one SQL query over the projection tables, reading index ranges of one
convention; they must equal :func:`~partenariat.followup.indicators.reference_facts` of the
events (the contract tests and a property test check it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from partenariat.followup import journal as j
from partenariat.followup.postgres.connection import JournalDatabaseError, translate
from partenariat.followup.sql_reads import SqlReads
from partenariat.followup.store import AppointmentRow, IndicatorFacts
from partenariat.i18n import Text

if TYPE_CHECKING:
    import psycopg

_CHUNK = 10_000


class ReportingQueries(SqlReads):
    """The :class:`~partenariat.followup.store.ReportingStore` port, over the projections."""

    _db: psycopg.Connection[Any]
    location: str
    service: str
    zone: ZoneInfo

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        # the shared reads are written with ?: psycopg's placeholders are %s (and % is doubled)
        query = sql.replace("%", "%%").replace("?", "%s")
        with translate(self.location):
            return list(self._db.execute(query, tuple(params)).fetchall())

    def last_days(self) -> dict[str, date]:
        """Return the local day of the latest contact event of each file (anonymisation aside)."""
        prefix = len(j.FILE_PREFIX)
        result: dict[str, date] = {}
        # a server-side cursor: the events are read a chunk at a time, not all at once
        with (
            translate(self.location),
            self._db.transaction(),
            self._db.cursor(name="last_days") as cur,
        ):
            cur.itersize = _CHUNK
            cur.execute(
                "SELECT stream, at FROM events WHERE stream LIKE 'dossier:%%' AND kind != %s",
                (j.FILE_ANONYMISED,),
            )
            for stream, at in cur:
                # ISO text with different offsets does not sort as instants: convert each one
                day = datetime.fromisoformat(at).astimezone(self.zone).date()
                key = stream[prefix:]
                if key not in result or day > result[key]:
                    result[key] = day
        return result

    def appointment_rows(self, convention: str, start: date, end: date) -> Iterator[AppointmentRow]:
        """Iterate, in date order, over the appointments of ``convention`` from ``start`` to ``end``.

        Read a chunk at a time (keyset pagination), so memory does not grow with the journal.
        """
        lo, hi = start.toordinal(), end.toordinal()
        key: tuple[Any, ...] = (lo - 1, "", "", "")
        while True:
            with translate(self.location):
                rows = self._db.execute(
                    "SELECT a.day, a.at, a.file_id, a.appointment_id, f.person, a.modality,"
                    " a.permanence, a.status FROM appointments AS a"
                    " JOIN files AS f ON f.file_id = a.file_id"
                    " WHERE a.convention = %s AND a.day BETWEEN %s AND %s"
                    " AND (a.day, a.at, a.file_id, a.appointment_id) > (%s, %s, %s, %s)"
                    " ORDER BY a.day, a.at, a.file_id, a.appointment_id LIMIT %s",
                    (convention, lo, hi, *key, _CHUNK),
                ).fetchall()
            if not rows:
                return
            for _, at, file_id, appointment, person, modality, permanence, status in rows:
                try:
                    moment = datetime.fromisoformat(at).astimezone(self.zone)
                except (ValueError, TypeError, OverflowError) as exc:
                    raise JournalDatabaseError(
                        self.service,
                        "corrompu",
                        Text(
                            f"rendez-vous {appointment} du dossier {file_id} : {exc}",
                            f"appointment {appointment} of file {file_id}: {exc}",
                        ),
                    ) from exc
                yield AppointmentRow(
                    file_id, person, appointment, moment, modality, permanence, status
                )
            key = rows[-1][:4]

    def count_appointments(self, convention: str, start: date, end: date) -> int:
        """Return the number of appointments of ``convention`` from ``start`` to ``end``."""
        with translate(self.location):
            row = self._db.execute(
                "SELECT count(*) FROM appointments WHERE convention = %s AND day BETWEEN %s AND %s",
                (convention, start.toordinal(), end.toordinal()),
            ).fetchone()
        return int(row[0]) if row else 0

    def indicator_facts(self, convention: str, start: date, end: date) -> IndicatorFacts:
        """Extract the indicator facts of ``convention`` between ``start`` and ``end`` (local days)."""
        period = {"c": convention, "lo": start.toordinal(), "hi": end.toordinal()}
        db = self._db
        with translate(self.location):
            followed = frozenset(
                # decided from the first and last attended days (an index range), looking at the
                # appointments only for the files whose attendance spans the whole period
                db.execute(
                    "SELECT DISTINCT person, qpv, commune, age_band FROM files AS f"
                    " WHERE convention = %(c)s AND last_seen_day >= %(lo)s"
                    " AND first_seen_day <= %(hi)s"
                    " AND (first_seen_day >= %(lo)s OR last_seen_day <= %(hi)s OR EXISTS ("
                    "  SELECT 1 FROM appointments AS a WHERE a.file_id = f.file_id"
                    "  AND a.status = 'honore' AND a.day BETWEEN %(lo)s AND %(hi)s))",
                    period,
                ).fetchall()
            )
            referrals = dict(
                db.execute(
                    "SELECT CASE WHEN decided_day IS NOT NULL AND decided_day <= %(hi)s"
                    " THEN referral_status WHEN expires_day < %(hi)s THEN 'expiree'"
                    " ELSE 'en-attente' END AS s, count(*) FROM files"
                    " WHERE convention = %(c)s AND referred_day BETWEEN %(lo)s AND %(hi)s"
                    " GROUP BY s",
                    period,
                ).fetchall()
            )
            to_first = tuple(
                r
                for (r,) in db.execute(
                    "SELECT first_seen_day - referred_day FROM files"
                    " WHERE convention = %(c)s AND referred_day BETWEEN %(lo)s AND %(hi)s"
                    " AND first_seen_day IS NOT NULL",
                    period,
                ).fetchall()
            )
            exits = db.execute(
                "SELECT outcome, day - referred_day FROM transitions WHERE convention = %(c)s"
                " AND day BETWEEN %(lo)s AND %(hi)s AND outcome IS NOT NULL",
                period,
            ).fetchall()
            outcomes: dict[str, int] = {}
            for outcome, _ in exits:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            statuses: dict[str, int] = {}
            booked: set[tuple[str, str]] = set()
            attended: set[tuple[str, str]] = set()
            for status, perm, slot, n in db.execute(
                "SELECT status, permanence, coalesce(slot_start, ''), count(*) FROM appointments"
                " WHERE convention = %(c)s AND day BETWEEN %(lo)s AND %(hi)s"
                " GROUP BY status, permanence, coalesce(slot_start, '')",
                period,
            ):
                statuses[status] = statuses.get(status, 0) + n
                if perm:
                    booked.add((perm, slot))
                    if status == "honore":
                        attended.add((perm, slot))
        return IndicatorFacts(
            followed=followed,
            referrals=referrals,
            days_to_first_appointment=to_first,
            days_to_exit=tuple(d for _, d in exits),
            appointment_statuses=statuses,
            occurrences_booked=frozenset(booked),
            occurrences_attended=frozenset(attended),
            outcomes=outcomes,
        )
