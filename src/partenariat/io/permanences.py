"""Permanences in convention files: converter hooks and defaults taken from the convention.

A convention file lists its permanences in a ``[[permanences]]`` array (see
``docs/permanences.md``). Two things happen here, each called by :mod:`partenariat.io.conventions`:

1. :func:`fill_defaults` completes the raw data from the convention before structuring: the
   permanence's ``convention`` id, the rule's ``start`` (the convention's first day) and its end
   (the convention's last day, when neither ``until`` nor ``count`` is given), and the holiday
   ``territory`` (from the host's INSEE code: Alsace-Moselle for 57, 67, 68; overseas for 97x);
2. :func:`register_permanence_hooks` teaches a converter to read ``"1TU"`` as a
   :class:`~partenariat.permanences.model.ByDay` (and write it back), and a rule written as a
   French phrase.

The checks of a convention's permanences are domain rules and live in
:mod:`partenariat.permanences.bounds`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs

from partenariat.errors import InputError
from partenariat.i18n import Text
from partenariat.permanences.holidays import territory_for_insee
from partenariat.permanences.model import ByDay, Recurrence
from partenariat.permanences.wording import parse

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


__all__ = ["fill_defaults", "register_permanence_hooks"]
