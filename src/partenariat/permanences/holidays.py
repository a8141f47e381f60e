"""Public holidays and closures as a policy, not as data typed in.

French public holidays come from the `holidays <https://pypi.org/project/holidays/>`_ library for
the right territory: metropolitan France, Alsace-Moselle (départements 57, 67 and 68, which add
Good Friday and St Stephen's Day) and the overseas territories (each with its own abolition of
slavery day). A :class:`HolidayPolicy` says what a permanence does on those days: skip them (the
default; sessions are never moved), work some of them anyway (Whit Monday, the *journée de
solidarité*, is worked in many places) and close between two dates (an annual closure). Every
skipped date comes with its reason.

School holidays are a closure policy by zone (A, B or C, metropolitan France): the dates come
from the Ministry of Education's published calendar as shipped by the `vacances-scolaires-france
<https://pypi.org/project/vacances-scolaires-france/>`_ package (offline data). Days after the
last published school year are an error, not a silent "no holidays"; Corsica and the overseas
académies, which that calendar does not cover, are refused.

The holiday lists are computed once per ``(territory, year)`` and kept in a :class:`HolidayCalendar`
that the caller creates and passes around: there is no module-level cache.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from partenariat.errors import InputError, PartenariatError
from partenariat.i18n import Text

#: territory name -> subdivision code of ``holidays.France`` (``None``: metropolitan France).
TERRITORIES: dict[str, str | None] = {
    "metropole": None,
    "alsace-moselle": "6AE",
    "guadeloupe": "971",
    "martinique": "972",
    "guyane": "973",
    "la-reunion": "974",
    "mayotte": "976",
    "saint-pierre-et-miquelon": "PM",
    "saint-barthelemy": "BL",
    "saint-martin": "MF",
    "wallis-et-futuna": "WF",
    "polynesie-francaise": "PF",
    "nouvelle-caledonie": "NC",
}
"""The territories whose holidays partenariat knows, by canonical name."""


def _err(key: str, problem: Text) -> InputError:
    """Return an input error on field ``key`` (the converter prefixes the rest of the path)."""
    return InputError(problem, key=key)


#: département (or overseas collectivity) code -> territory, for codes that are not metropolitan.
_DEPARTEMENTS: dict[str, str] = {
    "57": "alsace-moselle",
    "67": "alsace-moselle",
    "68": "alsace-moselle",
    "971": "guadeloupe",
    "972": "martinique",
    "973": "guyane",
    "974": "la-reunion",
    "975": "saint-pierre-et-miquelon",
    "976": "mayotte",
    "977": "saint-barthelemy",
    "978": "saint-martin",
    "986": "wallis-et-futuna",
    "987": "polynesie-francaise",
    "988": "nouvelle-caledonie",
}

#: other spellings people use for a territory.
_TERRITORY_ALIASES: dict[str, str] = {
    "france": "metropole",
    "metropolitaine": "metropole",
    "france-metropolitaine": "metropole",
    "alsace": "alsace-moselle",
    "moselle": "alsace-moselle",
    "6ae": "alsace-moselle",
    "reunion": "la-reunion",
}

#: other names for a holiday, normalised, mapped to the name the holidays library uses.
_HOLIDAY_ALIASES: dict[str, str] = {
    "pentecote": "lundi de pentecote",
    "whit monday": "pentecost monday",
    "journee de solidarite": "lundi de pentecote",
    "paques": "lundi de paques",
    "1er mai": "fete du travail",
    "8 mai": "fete de la victoire",
    "14 juillet": "fete nationale",
    "15 aout": "assomption",
    "11 novembre": "armistice",
    "saint etienne": "saint etienne",
}


def normalise_name(text: str) -> str:
    """Fold a holiday or territory name for comparison: no accents, case or punctuation."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def territory_from(value: str) -> str:
    """Return the canonical territory for a name, alias or département code.

    ``"57"``, ``"67"``, ``"68"``, ``"Alsace"`` → ``"alsace-moselle"``; ``"974"``, ``"Réunion"`` →
    ``"la-reunion"``; any metropolitan département → ``"metropole"``.

    :raises InputError: with a bilingual message when the territory is unknown.
    """
    if not isinstance(value, str):
        raise _err("territory", _bad_territory(value))
    key = normalise_name(value).replace(" ", "-")
    if key in TERRITORIES:
        return key
    if key in _TERRITORY_ALIASES:
        return _TERRITORY_ALIASES[key]
    if key in _DEPARTEMENTS:
        return _DEPARTEMENTS[key]
    if re.fullmatch(r"(0?[1-9]|[1-8]\d|9[0-5]|2a|2b)", key):
        return "metropole"
    raise _err("territory", _bad_territory(value))


def _bad_territory(value: object) -> Text:
    known = ", ".join(TERRITORIES)
    return Text(
        f"territoire inconnu : {value!r} (attendu un code de département ou l'un de : {known})",
        f"unknown territory: {value!r} (expected a département code or one of: {known})",
    )


def territory_for_insee(insee: str | None) -> str:
    """Return the territory of a commune from its INSEE code (metropolitan when unknown)."""
    if not insee:
        return "metropole"
    code = insee.strip().upper()
    return _DEPARTEMENTS.get(
        code[:3] if code.startswith("97") or code.startswith("98") else code[:2], "metropole"
    )


SCHOOL_ZONES: tuple[str, ...] = ("A", "B", "C")
"""The school holiday zones whose calendar partenariat knows (metropolitan France)."""

_UNCOVERED_ZONES = frozenset(
    ["corse", *TERRITORIES, *_TERRITORY_ALIASES, "reunion", "outre-mer", "outre mer"]
) - {"metropole", "france", "metropolitaine", "france-metropolitaine", "alsace", "moselle"}

_SCHOOL_HOLIDAY_NAMES = {
    "Vacances de la Toussaint": "All Saints' holidays",
    "Vacances de Noël": "Christmas holidays",
    "Vacances d'hiver": "winter holidays",
    "Vacances de printemps": "spring holidays",
    "Vacances d'été": "summer holidays",
}


class SchoolHolidaysError(InputError):
    """A day outside the published school holiday calendar, or a zone it does not cover."""


def school_zone_from(value: object) -> str | None:
    """Return ``"A"``, ``"B"`` or ``"C"`` for a zone written ``"C"``, ``"zone c"``, ``"Zone C"``.

    :raises SchoolHolidaysError: for Corsica and overseas, which the published calendar does not
        cover, and for unknown zones.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise SchoolHolidaysError(_bad_zone(value), key="school_zone")
    key = normalise_name(value)
    key = key.removeprefix("zone ").strip()
    if key.upper() in SCHOOL_ZONES:
        return key.upper()
    overseas = _DEPARTEMENTS.get(key) not in (None, "alsace-moselle")
    if overseas or key in _UNCOVERED_ZONES or key.replace(" ", "-") in _UNCOVERED_ZONES:
        raise SchoolHolidaysError(
            Text(
                f"les vacances scolaires de « {value} » ne sont pas dans le calendrier publié "
                "(zones A, B et C de métropole) ; déclarez-les comme fermetures (closures)",
                f"the school holidays of '{value}' are not in the published calendar (zones A, "
                "B and C of metropolitan France); declare them as closures",
            ),
            key="school_zone",
            found=value,
        )
    raise SchoolHolidaysError(_bad_zone(value), key="school_zone")


def _bad_zone(value: object) -> Text:
    return Text(
        f"zone de vacances scolaires inconnue : {value!r} (attendu A, B ou C)",
        f"unknown school holiday zone: {value!r} (expected A, B or C)",
    )


@attrs.frozen
class SchoolCalendar:
    """The published school holidays: for each zone, the day and the holiday's name.

    :param days: ``{zone: {day: name}}``.
    :param first: the first day the source covers.
    :param last: the last day it covers: the end of the last published summer holidays (later
        days of that year are not yet published, so they are not "no holidays").
    :param source: where the dates come from.
    """

    days: Mapping[str, Mapping[date, str]]
    first: date
    last: date
    source: str

    @classmethod
    def published(cls) -> SchoolCalendar:
        """Load the Ministry's calendar shipped by ``vacances-scolaires-france``."""
        try:
            from vacances_scolaires_france import (  # type: ignore[import-untyped]
                SchoolHolidayDates,
            )
        except ImportError:
            raise PartenariatError(
                Text(
                    "les vacances scolaires demandent le paquet vacances-scolaires-france : "
                    "pip install vacances-scolaires-france",
                    "school holidays need the vacances-scolaires-france package: "
                    "pip install vacances-scolaires-france",
                )
            ) from None
        source: Any = SchoolHolidayDates()
        days: dict[str, dict[date, str]] = {zone: {} for zone in SCHOOL_ZONES}
        for day, row in source.data.items():
            for zone in SCHOOL_ZONES:
                if row[source.zone_key(zone)]:
                    days[zone][day] = row["nom_vacances"]
        return cls(
            days,
            date(source.min_year, 1, 1),
            max(source.data),
            "vacances-scolaires-france (data.education.gouv.fr)",
        )

    def holiday(self, zone: str, day: date) -> str | None:
        """Return the name of the school holidays of ``zone`` on ``day`` (``None``: school day).

        :raises SchoolHolidaysError: when ``day`` is outside the published calendar.
        """
        if not self.first <= day <= self.last:
            raise SchoolHolidaysError(
                Text(
                    f"les vacances scolaires ne sont publiées que du {self.first:%d/%m/%Y} au "
                    f"{self.last:%d/%m/%Y} ({self.source}) : le {day:%d/%m/%Y} n'est pas couvert",
                    f"school holidays are published from {self.first.isoformat()} to "
                    f"{self.last.isoformat()} only ({self.source}): {day.isoformat()} is not "
                    "covered",
                ),
                key="school_zone",
                found=day.isoformat(),
            )
        return self.days[zone].get(day)


@attrs.frozen
class Holiday:
    """One public holiday of one territory."""

    day: date
    """Its date."""
    name: Text
    """Its name in French and English."""
    keys: frozenset[str]
    """Its normalised names, for matching a policy's ``worked`` list."""


@attrs.define
class HolidayCalendar:
    """Public holidays by territory and year, computed on demand and kept for reuse.

    It also keeps, per time zone and year, the days when clocks change. Create one per process,
    request or test and pass it to the functions that expand permanences.
    """

    _cache: dict[tuple[str, int], Mapping[date, Holiday]] = attrs.field(factory=dict, init=False)
    _clock_changes: dict[tuple[str, int], frozenset[date]] = attrs.field(factory=dict, init=False)
    _school: SchoolCalendar | None = attrs.field(default=None, alias="school", repr=False, eq=False)

    @property
    def school(self) -> SchoolCalendar:
        """The published school holidays, loaded on first use (or the one given)."""
        if self._school is None:
            self._school = SchoolCalendar.published()
        return self._school

    def holidays(self, territory: str, year: int) -> Mapping[date, Holiday]:
        """Return the public holidays of ``territory`` in ``year``, by date."""
        key = (territory, year)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = _compute(territory, year)
        return found

    def holiday(self, territory: str, day: date) -> Holiday | None:
        """Return the public holiday on ``day`` in ``territory``, if any."""
        return self.holidays(territory, day.year).get(day)

    def clock_change_days(self, zone: ZoneInfo, year: int) -> frozenset[date]:
        """Return the local days of ``year`` around which ``zone``'s UTC offset changes.

        Each change flags the day before, the day of and the day after it, so that expansion
        needs the full (slower) check for nonexistent and ambiguous times on those days only.
        """
        key = (zone.key, year)
        found = self._clock_changes.get(key)
        if found is None:
            found = self._clock_changes[key] = _clock_change_days(zone, year)
        return found


def _clock_change_days(zone: ZoneInfo, year: int) -> frozenset[date]:
    day = date(year, 1, 1) - timedelta(days=1)
    stop = date(year, 12, 31) + timedelta(days=1)
    one = timedelta(days=1)
    previous = datetime.combine(day, time(0), zone).utcoffset()
    flagged: set[date] = set()
    while day <= stop:
        following = datetime.combine(day + one, time(0), zone).utcoffset()
        if following != previous:
            flagged.update((day - one, day, day + one))
        previous = following
        day += one
    return frozenset(flagged)


def _compute(territory: str, year: int) -> Mapping[date, Holiday]:
    import holidays as holidays_lib

    subdiv = TERRITORIES[territory_from(territory)]
    country: Any = getattr(holidays_lib, "France")  # noqa: B009 - the stubs do not list it
    french = country(subdiv=subdiv, years=year, language="fr")
    english = country(subdiv=subdiv, years=year, language="en_US")
    result: dict[date, Holiday] = {}
    for day, fr_name in sorted(french.items()):
        en_name = english.get(day, fr_name)
        keys = frozenset(
            normalise_name(part) for name in (fr_name, en_name) for part in (name, *name.split(";"))
        )
        result[day] = Holiday(day, Text(fr_name, en_name), keys)
    return result


def _worked(value: Iterable[str | date]) -> tuple[str, ...]:
    if isinstance(value, str | date):
        value = (value,)
    items = []
    for item in value:
        if isinstance(item, date):
            items.append(item.isoformat())
            continue
        if not isinstance(item, str) or not item.strip():
            raise _err(
                "worked",
                Text(
                    f"jour férié travaillé invalide : {item!r} (attendu un nom ou une date)",
                    f"invalid worked holiday: {item!r} (expected a name or a date)",
                ),
            )
        try:
            items.append(date.fromisoformat(item.strip()).isoformat())
            continue
        except ValueError:
            pass
        key = normalise_name(item)
        items.append(_HOLIDAY_ALIASES.get(key, key))
    return tuple(items)


@attrs.frozen
class Closure:
    """The premises are closed from ``start`` to ``end``, both included (e.g. in August).

    :param start: first closed day.
    :param end: last closed day (inclusive).
    :param reason: shown as the reason of every skipped session.
    """

    start: date
    end: date = attrs.field()
    reason: str = "fermeture"

    @end.validator
    def _check_end(self, _: object, value: date) -> None:
        if value < self.start:
            raise _err(
                "end",
                Text(
                    f"la fin de fermeture ({value}) précède son début ({self.start})",
                    f"the closure's end ({value}) is before its start ({self.start})",
                ),
            )

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@attrs.frozen
class HolidayPolicy:
    """What a permanence does on public holidays and closures.

    :param territory: whose holidays apply (see :data:`TERRITORIES`; a département code such as
        ``"57"`` or ``"974"`` is accepted).
    :param skip_holidays: skip sessions falling on a public holiday (they are not moved).
    :param worked: holidays worked anyway, by name (French or English, e.g. ``"lundi de
        Pentecôte"``, ``"Whit Monday"``) or date.
    :param closures: periods when the premises are closed.
    :param school_zone: skip sessions during the school holidays of this zone (``"A"``, ``"B"``
        or ``"C"``); ``None``: school holidays change nothing.
    """

    territory: str = attrs.field(default="metropole", converter=territory_from)
    skip_holidays: bool = True
    worked: tuple[str, ...] = attrs.field(default=(), converter=_worked)
    closures: tuple[Closure, ...] = attrs.field(default=(), converter=tuple)
    school_zone: str | None = attrs.field(default=None, converter=school_zone_from)

    @property
    def checks_every_day(self) -> bool:
        """Whether a day can be skipped for another reason than a public holiday."""
        return bool(self.closures) or self.school_zone is not None

    @classmethod
    def for_insee(cls, insee: str | None, **kwargs: object) -> HolidayPolicy:
        """Build the policy of a commune's territory (Alsace-Moselle for Metz or Strasbourg…)."""
        return cls(territory_for_insee(insee), **kwargs)  # type: ignore[arg-type]

    def works(self, holiday: Holiday) -> bool:
        """Whether ``holiday`` is worked anyway under this policy."""
        return holiday.day.isoformat() in self.worked or not holiday.keys.isdisjoint(self.worked)

    def skip_reason(self, day: date, calendar: HolidayCalendar) -> Text | None:
        """Return why no session is held on ``day`` (``None``: sessions are held)."""
        for closure in self.closures:
            if closure.start <= day <= closure.end:
                return Text(f"fermeture : {closure.reason}", f"closure: {closure.reason}")
        if self.skip_holidays:
            holiday = calendar.holidays(self.territory, day.year).get(day)
            if holiday is not None and not self.works(holiday):
                return Text(f"jour férié : {holiday.name.fr}", f"public holiday: {holiday.name.en}")
        if self.school_zone is not None:
            name = calendar.school.holiday(self.school_zone, day)
            if name is not None:
                english = _SCHOOL_HOLIDAY_NAMES.get(name, name)
                return Text(
                    f"vacances scolaires : {name} (zone {self.school_zone})",
                    f"school holidays: {english} (zone {self.school_zone})",
                )
        return None
