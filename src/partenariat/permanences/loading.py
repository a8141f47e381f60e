"""Permanences in convention files: converter hooks, defaults taken from the convention, checks.

A convention file lists its permanences in a ``[[permanences]]`` array (see
``docs/permanences.md``). Three things happen here, each called by
:mod:`partenariat.serialization`:

1. :func:`fill_defaults` completes the raw data from the convention before structuring: the
   permanence's ``convention`` id, the rule's ``start`` (the convention's first day) and its end
   (the convention's last day, when neither ``until`` nor ``count`` is given), and the holiday
   ``territory`` (from the host's INSEE code: Alsace-Moselle for 57, 67, 68; overseas for 97x);
2. :func:`register_permanence_hooks` teaches the shared converter to read ``"1TU"`` as a
   :class:`~partenariat.permanences.model.ByDay` (and write it back);
3. :func:`convention_problems` (cheap, run when a convention is built) and
   :func:`permanence_errors` (expands every rule, run when a file is loaded) report problems with
   key paths such as ``permanences[0].rule.until``.

This module must not import :mod:`partenariat.serialization` (which imports it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences.holidays import HolidayCalendar, territory_for_insee
from partenariat.permanences.model import ByDay, Permanence, Recurrence
from partenariat.permanences.recurrence import check_permanence, rule_extent
from partenariat.permanences.wording import parse

if TYPE_CHECKING:
    import cattrs

    from partenariat.conventions import Convention

_HOST_KINDS = ("ccas", "commune")


def _structure_byday(value: object, _: type) -> ByDay:
    if isinstance(value, ByDay):
        return value
    if not isinstance(value, str):
        raise InputError(
            Text("type incorrect", "wrong type"),
            found=value,
            expected=Text(
                "un jour comme « TU », « 1TU » ou « -1FR »", "a day such as 'TU', '1TU' or '-1FR'"
            ),
        )
    try:
        return ByDay.parse(value)
    except InputError as exc:  # drop the field name: the key path already ends at the item
        raise InputError(exc.problem, found=value, expected=exc.expected) from None


_PHRASE = "phrase"


def register_permanence_hooks(converter: cattrs.Converter) -> None:
    """Add the permanences' structure and unstructure hooks to ``converter``.

    Besides ``"1TU"`` for a :class:`ByDay`, a rule may be written as a French phrase
    (``rule = "les 1er et 3e mardis du mois"``), which :func:`fill_defaults` prepares and this
    hook parses, reporting the part not understood at the rule's key path.
    """
    converter.register_structure_hook(ByDay, _structure_byday)
    converter.register_unstructure_hook(ByDay, lambda b: b.code)
    base = converter.get_structure_hook(Recurrence)

    def structure_recurrence(value: Any, cl: Any) -> Recurrence:
        if not (isinstance(value, Mapping) and _PHRASE in value):
            rule: Recurrence = base(value, cl)
            return rule
        start = converter.structure(value.get("start"), dt.date)
        phrase = parse(str(value[_PHRASE]), start=start)
        phrase.single_hours()  # one permanence has one time range: refuse several
        rule = phrase.rule
        until = value.get("until")
        if rule.until is None and rule.count is None and until is not None:
            rule = attrs.evolve(rule, until=converter.structure(until, dt.date))
        return rule

    converter.register_structure_hook(Recurrence, structure_recurrence)


def fill_defaults(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of raw convention data with the permanences' defaults filled in.

    Only well-formed parts are completed; anything malformed is left for the converter to report.
    """
    result = dict(data)
    items = data.get("permanences")
    if not isinstance(items, list):
        return result
    period = data.get("period") if isinstance(data.get("period"), Mapping) else {}
    assert isinstance(period, Mapping)
    start, end = period.get("start"), _last_day(data)
    territory = territory_for_insee(_host_insee(data))
    filled: list[Any] = []
    for item in items:
        if not isinstance(item, Mapping):
            filled.append(item)
            continue
        entry = dict(item)
        if "convention" not in entry and isinstance(data.get("id"), str):
            entry["convention"] = data["id"]
        rule = entry.get("rule")
        if isinstance(rule, str):
            rule = _prepare_phrase(entry, rule, start)
        if isinstance(rule, Mapping):
            rule = dict(rule)
            if "start" not in rule and start is not None:
                rule["start"] = start
            if "until" not in rule and "count" not in rule and end is not None:
                rule["until"] = end
            entry["rule"] = rule
        policy = entry.get("holidays", {})
        if isinstance(policy, Mapping) and "territory" not in policy:
            entry["holidays"] = {**policy, "territory": territory}
        filled.append(entry)
    result["permanences"] = filled
    return result


def _prepare_phrase(entry: dict[str, Any], phrase: str, start: object) -> dict[str, Any]:
    """Turn ``rule = "…"`` into a table the converter hook parses.

    The hours come from the phrase when ``start`` and ``end`` are not given; a phrase that cannot
    be read is reported by the hook, at the rule's key path.
    """
    if isinstance(start, dt.date) and not isinstance(start, dt.datetime):
        try:
            parsed = parse(phrase, start=start)
        except InputError:
            pass
        else:
            if parsed.start is not None and parsed.end is not None:
                entry.setdefault("start", parsed.start)
                entry.setdefault("end", parsed.end)
            policy = entry.get("holidays", {})
            said = {"skip_holidays": parsed.skip_holidays, "school_zone": parsed.school_zone}
            said = {key: value for key, value in said.items() if value is not None}
            if said and isinstance(policy, Mapping):
                entry["holidays"] = {**said, **policy}
    return {_PHRASE: phrase}


def _last_day(data: Mapping[str, Any]) -> object:
    """Return the last day permanences may run: the period's end, or the last renewal's end."""
    period = data.get("period")
    end = period.get("end") if isinstance(period, Mapping) else None
    renewals = data.get("renewals")
    if isinstance(renewals, list) and renewals:
        last = renewals[-1]
        if isinstance(last, Mapping) and isinstance(last.get("period"), Mapping):
            end = last["period"].get("end")
    return end


def _host_insee(data: Mapping[str, Any]) -> str | None:
    parties = [p for p in data.get("parties", []) or [] if isinstance(p, Mapping)]
    host_id = data.get("host")
    for party in parties:
        if party.get("id") == host_id or (host_id is None and party.get("kind") in _HOST_KINDS):
            insee = party.get("insee")
            return insee if isinstance(insee, str) else None
    return None


def permanence_period(convention: Convention) -> tuple[dt.date, dt.date | None]:
    """Return the days a convention's permanences may run on (renewals included)."""
    end = convention.period.end
    if convention.renewals:
        end = convention.renewals[-1].period.end
    return convention.period.start, end


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
    convention: Convention, calendar: HolidayCalendar | None = None
) -> list[InputError]:
    """Expand every permanence of ``convention`` and return the problems, with key paths.

    Nonexistent or ambiguous local times, cancellations or moves of dates the rule does not
    produce, moves or extra sessions onto a holiday or closure or onto another session.
    """
    calendar = calendar if calendar is not None else HolidayCalendar()
    errors: list[InputError] = []
    for i, perm in enumerate(convention.permanences):
        errors += [e.located(prefix=f"permanences[{i}]") for e in check_permanence(perm, calendar)]
    return errors
