"""One session of a permanence as expansion gives it, and what became of it.

:class:`Occurrence` values come out of :func:`partenariat.permanences.recurrence.expand`; each
carries its :class:`Status` (planned, moved, extra, cancelled or skipped, with why).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

import attrs

from partenariat.i18n import Language, Text
from partenariat.permanences.model import Place


class Status(enum.Enum):
    """What became of one occurrence of a permanence."""

    PLANNED = "planned"
    """Held as the rule says."""
    CANCELLED = "cancelled"
    """Cancelled by hand (see :attr:`Occurrence.reason`)."""
    MOVED = "moved"
    """Held at another date, time or place than the rule says."""
    EXTRA = "extra"
    """An extra session outside the rule."""
    SKIPPED = "skipped"
    """Not held because of the holiday policy (a public holiday or a closure)."""

    @property
    def label(self) -> Text:
        """The status for people."""
        return _STATUS_LABELS[self]

    @property
    def held(self) -> bool:
        """Whether a session takes place (planned, moved or extra)."""
        return self is not _CANCELLED and self is not _SKIPPED


# Module constants: comparing by identity is much cheaper than hashing enum members.
_CANCELLED = Status.CANCELLED
_SKIPPED = Status.SKIPPED

_STATUS_LABELS = {
    Status.PLANNED: Text("prévue", "planned"),
    Status.CANCELLED: Text("annulée", "cancelled"),
    Status.MOVED: Text("déplacée", "moved"),
    Status.EXTRA: Text("supplémentaire", "extra"),
    Status.SKIPPED: Text("non tenue (férié/fermeture)", "skipped (holiday/closure)"),
}


@attrs.frozen(order=True)
class Occurrence:
    """One session of a permanence (or one that was not held, with why).

    Ordered by start, then permanence id.

    :param start: aware start datetime in the permanence's time zone.
    :param end: aware end datetime.
    :param permanence: the permanence's id.
    :param status: planned, cancelled, moved, extra or skipped.
    :param place: where it is held.
    :param counsellors: who holds it.
    :param reason: why it was cancelled, moved, added or skipped.
    :param original: for a moved occurrence, the start the rule gave.
    :param convention: the convention's id.
    :param why: the reason in both languages, for skipped sessions (holidays, closures).
    """

    start: datetime
    end: datetime
    permanence: str
    status: Status = attrs.field(order=False)
    place: Place = attrs.field(order=False)
    counsellors: tuple[str, ...] = attrs.field(order=False, default=())
    reason: str = attrs.field(order=False, default="")
    original: datetime | None = attrs.field(order=False, default=None)
    convention: str = attrs.field(order=False, default="")
    why: Text | None = attrs.field(order=False, default=None)

    def reason_in(self, lang: Language = "fr") -> str:
        """Return the reason in ``lang``.

        Holidays and closures are translated; reasons typed in by people are shown as written.
        """
        return self.why.render(lang) if self.why is not None else self.reason

    @property
    def duration(self) -> timedelta:
        """The real elapsed time (7 h for a 22:00-06:00 session on the night clocks go forward)."""
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def held(self) -> bool:
        """Whether the session takes place."""
        status = self.status
        return status is not _CANCELLED and status is not _SKIPPED
