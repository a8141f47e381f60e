"""Who holds a permanence's sessions, and how many people it can receive at once.

A permanence books appointments in slots of :attr:`~partenariat.permanences.model.Permanence.slot_minutes`;
its *capacity* is how many appointments can share one slot (the counsellors receiving in
parallel). A :class:`Substitution` replaces one counsellor for one session only.

These checks live apart from :mod:`partenariat.permanences.model` so that the model stays short;
they raise :class:`~partenariat.errors.InputError` naming the field, so that a file's errors carry
their full key path (``permanences[0].capacity``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Text

if TYPE_CHECKING:
    from partenariat.permanences.occurrence import Occurrence

MAX_SLOT_MINUTES = 24 * 60
"""The longest slot: a day."""
MAX_CAPACITY = 100
"""The most appointments one slot may hold (a guard against typing mistakes)."""


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_slot_minutes(_: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    """Validate a slot length: ``None`` (no appointments) or 1 to 1,440 minutes."""
    if value is None or (_whole(value) and 1 <= value <= MAX_SLOT_MINUTES):  # type: ignore[operator]
        return
    raise InputError(
        Text("durée de créneau invalide", "invalid slot length"),
        key=attribute.name,
        found=value,
        expected=Text(
            f"un nombre entier de minutes de 1 à {MAX_SLOT_MINUTES}",
            f"a whole number of minutes from 1 to {MAX_SLOT_MINUTES}",
        ),
    )


def check_capacity(_: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    """Validate a capacity: ``None`` (the number of counsellors, at least 1) or 1 to 100."""
    if value is None or (_whole(value) and 1 <= value <= MAX_CAPACITY):  # type: ignore[operator]
        return
    raise InputError(
        Text("capacité invalide", "invalid capacity"),
        key=attribute.name,
        found=value,
        expected=Text(
            f"un nombre de rendez-vous simultanés de 1 à {MAX_CAPACITY}",
            f"a number of simultaneous appointments from 1 to {MAX_CAPACITY}",
        ),
    )


def _nonempty(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            Text(f"« {attribute.name} » ne peut pas être vide", f"'{attribute.name}' must be set"),
            key=attribute.name,
        )


@attrs.frozen
class Substitution:
    """One counsellor replaced by another for the session of one day.

    :param on: the local date of the session (its date after a move, if it was moved).
    :param replaced: the counsellor who will not hold it (one of the permanence's counsellors).
    :param by: who holds it instead.
    :param reason: why (sick leave, training…).
    """

    on: date
    replaced: str = attrs.field(validator=_nonempty)
    by: str = attrs.field(validator=_nonempty)
    reason: str = ""


def substitutions(items: Iterable[Substitution]) -> tuple[Substitution, ...]:
    """Convert substitutions to a tuple."""
    return tuple(items)


def check_substitutions(
    instance: Any, attribute: attrs.Attribute[tuple[Substitution, ...]], value: object
) -> None:
    """Validate a permanence's substitutions: each replaces one of its counsellors."""
    counsellors = getattr(instance, "counsellors", ())
    for index, item in enumerate(value if isinstance(value, tuple) else ()):
        if item.replaced not in counsellors:
            raise InputError(
                Text(
                    f"remplacement du {item.on:%d/%m/%Y} : « {item.replaced} » ne tient pas "
                    "cette permanence",
                    f"substitution on {item.on.isoformat()}: '{item.replaced}' does not hold "
                    "this permanence",
                ),
                key=f"{attribute.name}[{index}].replaced",
                found=item.replaced,
                expected=Text(
                    "l'un des conseillers : " + ", ".join(counsellors),
                    "one of the counsellors: " + ", ".join(counsellors),
                ),
            )


_O = TypeVar("_O", bound="Occurrence")


def apply_substitutions(occurrences: list[_O], substitutions: tuple[Substitution, ...]) -> list[_O]:
    """Return ``occurrences`` with each day's substitutions applied.

    The substitute replaces the counsellor in ``counsellors`` (so clashes are checked for them)
    and the reason says who replaces whom, after any reason the session already had (a move's),
    so that every calendar export shows it.
    """
    if not substitutions:
        return occurrences
    days = {item.on for item in substitutions}
    return [_substitute(o, substitutions) if o.start.date() in days else o for o in occurrences]


def _substitute(occurrence: _O, substitutions: tuple[Substitution, ...]) -> _O:
    day = occurrence.start.date()
    applied = [s for s in substitutions if s.on == day and s.replaced in occurrence.counsellors]
    if not applied:
        return occurrence
    note = Text(
        " ; ".join(
            f"{s.by} remplace {s.replaced}" + (f" ({s.reason})" if s.reason else "")
            for s in applied
        ),
        "; ".join(
            f"{s.by} replaces {s.replaced}" + (f" ({s.reason})" if s.reason else "")
            for s in applied
        ),
    )
    before = occurrence.why or (
        Text(occurrence.reason, occurrence.reason) if occurrence.reason else None
    )
    why = note if before is None else Text(f"{before.fr} ; {note.fr}", f"{before.en}; {note.en}")
    return attrs.evolve(
        occurrence,
        counsellors=substituted(occurrence.counsellors, day, substitutions),
        reason=why.fr,
        why=why,
    )


def substituted(
    counsellors: tuple[str, ...], day: date, substitutions: tuple[Substitution, ...]
) -> tuple[str, ...]:
    """Return ``counsellors`` as they are on ``day`` once the substitutions of that day apply."""
    result = counsellors
    for item in substitutions:
        if item.on == day:
            result = tuple(item.by if name == item.replaced else name for name in result)
    return result


__all__ = [
    "MAX_CAPACITY",
    "MAX_SLOT_MINUTES",
    "Substitution",
    "apply_substitutions",
    "check_capacity",
    "check_slot_minutes",
    "check_substitutions",
    "substituted",
    "substitutions",
]
