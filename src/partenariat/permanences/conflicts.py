"""Clashes between permanences: the same room or the same counsellor at overlapping times.

Permanences of every convention loaded together are compared (a CCAS lends one room to several
partners). Only held sessions clash; a cancelled or skipped one frees its room.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC

import attrs

from partenariat.i18n import Language, Text
from partenariat.permanences.occurrence import Occurrence


class ConflictKind(enum.Enum):
    """What two overlapping sessions share."""

    ROOM = "room"
    """The same room of the same premises."""
    COUNSELLOR = "counsellor"
    """The same counsellor."""


@attrs.frozen
class Conflict:
    """Two sessions that cannot both take place.

    :param kind: what they share.
    :param shared: the room or counsellor they share.
    :param first: the session that starts first.
    :param second: the other one.
    """

    kind: ConflictKind
    shared: str
    first: Occurrence
    second: Occurrence

    def describe(self, lang: Language = "fr") -> str:
        """Return a sentence for people."""
        a, b = self.first, self.second
        if self.kind is ConflictKind.ROOM:
            what = Text(f"même salle « {self.shared} »", f"same room '{self.shared}'")
        else:
            what = Text(
                f"même conseiller·ère « {self.shared} »", f"same counsellor '{self.shared}'"
            )
        text = Text(
            f"conflit ({what.fr}) : « {a.permanence} » le {a.start:%d/%m/%Y %H:%M}-{a.end:%H:%M} "
            f"et « {b.permanence} » le {b.start:%d/%m/%Y %H:%M}-{b.end:%H:%M}",
            f"conflict ({what.en}): '{a.permanence}' on {a.start:%Y-%m-%d %H:%M}-{a.end:%H:%M} "
            f"and '{b.permanence}' on {b.start:%Y-%m-%d %H:%M}-{b.end:%H:%M}",
        )
        return text.render(lang)


def find_conflicts(occurrences: Iterable[Occurrence]) -> list[Conflict]:
    """Return the pairs of held sessions of different permanences sharing a room or a counsellor.

    Only sessions overlapping in time clash; pairs come in order of the first session's start.

    A sweep over sessions sorted by start keeps only the sessions still running, so the cost stays
    close to linear for real calendars.
    """
    held = sorted(
        (o for o in occurrences if o.held), key=lambda o: (o.start.astimezone(UTC), o.permanence)
    )
    running: list[Occurrence] = []
    found: list[Conflict] = []
    for current in held:
        now = current.start.astimezone(UTC)
        running = [o for o in running if o.end.astimezone(UTC) > now]
        for other in running:
            if other.permanence == current.permanence:
                continue
            if other.place.key == current.place.key:
                found.append(Conflict(ConflictKind.ROOM, current.place.label(), other, current))
            shared = sorted(
                {c.casefold(): c for c in other.counsellors}.keys()
                & {c.casefold() for c in current.counsellors}
            )
            found.extend(
                Conflict(
                    ConflictKind.COUNSELLOR,
                    next(c for c in current.counsellors if c.casefold() == name),
                    other,
                    current,
                )
                for name in shared
            )
        running.append(current)
    return found
