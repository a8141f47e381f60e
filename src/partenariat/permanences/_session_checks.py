"""The problems :func:`~partenariat.permanences.recurrence.check_permanence` reports, worded.

Sessions that overlap, and cancellations, moves or extra sessions put on the wrong day: each
becomes an :class:`~partenariat.errors.InputError` naming the key of the permanence at fault.
"""

from __future__ import annotations

import itertools
from datetime import date

from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences.model import Permanence
from partenariat.permanences.occurrence import Occurrence, Status


def overlap_errors(perm: Permanence, occurrences: list[Occurrence]) -> list[InputError]:
    """Return the held sessions of ``perm`` that start before the previous one ends."""
    errors: list[InputError] = []
    held = [o for o in occurrences if o.held]
    for before, after in itertools.pairwise(held):
        if after.start < before.end:
            moved = after if after.status is not Status.PLANNED else before
            errors.append(
                InputError(
                    Text(
                        f"la séance du {moved.start:%d/%m/%Y %H:%M} ({moved.status.label.fr}) "
                        f"chevauche une autre séance de la permanence « {perm.id} »",
                        f"the {moved.status.label.en} session on {moved.start:%Y-%m-%d %H:%M} "
                        f"overlaps another session of permanence '{perm.id}'",
                    ),
                    key=key_of(perm, moved),
                    found=moved.start.isoformat(),
                )
            )
    return errors


def key_of(perm: Permanence, occurrence: Occurrence) -> str:
    """Return the key of ``perm`` that put ``occurrence`` where it is (a move, an extra, the rule)."""
    if occurrence.status is Status.MOVED and occurrence.original is not None:
        for index, move in enumerate(perm.moves):
            if move.on == occurrence.original.date():
                return f"moves[{index}].to"
    if occurrence.status is Status.EXTRA:
        for index, extra in enumerate(perm.extras):
            if extra.on == occurrence.start.date():
                return f"extras[{index}].on"
    return "rule"


def not_a_session(what: str, index: int, day: date) -> InputError:
    """Return the error for ``what[index].on`` naming a day the rule plans no session on."""
    return InputError(
        Text(
            f"aucune séance prévue le {day:%d/%m/%Y} par la règle",
            f"the rule plans no session on {day.isoformat()}",
        ),
        key=f"{what}[{index}].on",
        found=day.isoformat(),
    )


def onto_skipped(what: str, index: int, field: str, day: date, reason: Text) -> InputError:
    """Return the error for a session put on a day without sessions (a holiday, a closure)."""
    return InputError(
        Text(
            f"séance placée le {day:%d/%m/%Y}, jour sans séance ({reason.fr})",
            f"session put on {day.isoformat()}, a day without sessions ({reason.en})",
        ),
        key=f"{what}[{index}].{field}",
        found=day.isoformat(),
    )
