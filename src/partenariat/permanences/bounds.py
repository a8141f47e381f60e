"""The bounds of a convention's permanences: within its period, unique ids, every rule expandable.

Pure checks on values: :func:`convention_problems` is cheap and runs whenever a convention is
built; :func:`permanence_errors` expands every rule and runs when a convention is validated.
Both report problems with key paths such as ``permanences[0].rule.until``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Permanence
from partenariat.permanences.recurrence import check_permanence, expand, rule_extent


def convention_problems(
    period: tuple[dt.date, dt.date | None],
    party_ids: Sequence[str],
    permanences: Sequence[Permanence],
) -> Iterator[InputError]:
    """Yield the cross-field problems of a convention's permanences (cheap; no expansion).

    A duplicate id, a rule that starts before the period or ends after it (or has no end when the
    period has one). Partners that are not parties are reported with the convention's other
    references (:func:`partenariat.conventions.reference_problems`).
    """
    seen: set[str] = set()
    p_start, p_end = period
    for i, perm in enumerate(permanences):
        key = f"permanences[{i}]"
        if perm.id in seen:
            yield InputError(
                Text("identifiant de permanence en double", "duplicate permanence id"),
                key=f"{key}.id",
                found=perm.id,
            )
        seen.add(perm.id)
        rule = perm.rule
        if rule.start < p_start:
            yield InputError(
                Text(
                    "la permanence commence avant la période de la convention",
                    "the permanence starts before the convention's period",
                ),
                key=f"{key}.rule.start",
                found=rule.start.isoformat(),
                expected=Text(
                    f"le {p_start.isoformat()} ou après", f"on or after {p_start.isoformat()}"
                ),
            )
        if p_end is None:
            continue
        if rule.until is not None and rule.until > p_end:
            yield _beyond(f"{key}.rule.until", rule.until.isoformat(), p_end)
        elif rule.until is None and rule.count is None:
            yield _beyond(f"{key}.rule.until", None, p_end)
        elif rule.count is not None:
            last = rule_extent(perm)[1]
            if last is not None and last > p_end:
                yield _beyond(f"{key}.rule.count", rule.count, p_end)


def _beyond(key: str, found: object, end: dt.date) -> InputError:
    return InputError(
        Text(
            "la permanence dépasse la fin de la période de la convention",
            "the permanence goes beyond the end of the convention's period",
        ),
        key=key,
        found=found,
        expected=Text(f"au plus tard le {end.isoformat()}", f"on or before {end.isoformat()}"),
    )


def permanence_errors(
    permanences: Sequence[Permanence], calendar: HolidayCalendar | None = None
) -> list[InputError]:
    """Expand every permanence and return the problems, with key paths (``permanences[0]…``).

    Nonexistent or ambiguous local times, cancellations or moves of dates the rule does not
    produce, moves or extra sessions onto a holiday or closure or onto another session, a
    substitution on a day without a held session.
    """
    calendar = calendar if calendar is not None else HolidayCalendar()
    errors: list[InputError] = []
    for i, perm in enumerate(permanences):
        found = [*check_permanence(perm, calendar), *_substitution_errors(perm, calendar)]
        errors += [e.located(prefix=f"permanences[{i}]") for e in found]
    return errors


def _substitution_errors(perm: Permanence, calendar: HolidayCalendar) -> Iterator[InputError]:
    """Yield an error for each substitution on a day the permanence holds no session."""
    if not perm.substitutions:
        return
    days = [item.on for item in perm.substitutions]
    sessions = expand(perm, min(days), max(days), calendar, errors=[])
    held = {o.start.date() for o in sessions if o.held}
    for index, item in enumerate(perm.substitutions):
        if item.on not in held:
            yield InputError(
                Text(
                    f"remplacement du {item.on:%d/%m/%Y} : aucune séance tenue ce jour-là",
                    f"substitution on {item.on.isoformat()}: no session is held that day",
                ),
                key=f"substitutions[{index}].on",
                found=item.on.isoformat(),
            )


__all__ = ["convention_problems", "permanence_errors"]
