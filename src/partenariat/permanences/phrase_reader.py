"""Reading French phrases about permanences, exactly or not at all (see :mod:`.wording`)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Literal

from partenariat.errors import InputError
from partenariat.i18n import MONTHS_FR, Text
from partenariat.i18n import WEEKDAYS_FR as DAYS_FR
from partenariat.permanences.holidays import school_zone_from
from partenariat.permanences.model import ByDay, Frequency, Recurrence
from partenariat.permanences.phrase import (
    Hours,
    Phrase,
    PhraseError,
)
from partenariat.permanences.phrase_tokens import (
    _ANYWHERE,
    _DAY_KINDS,
    _FILLER,
    _MONTHS,
    _PARTS,
    _PATTERNS,
    _fold,
    _month_end,
    _number,
    _ordinal_value,
    _part_of_day,
    _time_value,
)


def parse(phrase: str, *, start: date) -> Phrase:
    """Read a French phrase as a rule starting on ``start``.

    ``"jusqu'au 31 décembre"`` without a year means the first 31 December on or after ``start``.

    :raises PhraseError: naming the words that could not be placed, or that could mean two
        things; a phrase is never read in part.
    """
    return _Reader(phrase, start).read()


class _Reader:
    """One reading of one phrase: the matches found, then the checks that make it exact."""

    def __init__(self, phrase: str, start: date) -> None:
        self.phrase = phrase
        self.start = start
        text = _fold(phrase)
        used = [False] * len(text)
        self.found: dict[str, list[re.Match[str]]] = {}
        for name, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                if any(used[match.start() : match.end()]):
                    continue
                self.found.setdefault(name, []).append(match)
                for i in range(match.start(), match.end()):
                    used[i] = True
        _check_leftovers(phrase, text, used)

    def part(self, *matches: re.Match[str]) -> str:
        return self.phrase[min(m.start() for m in matches) : max(m.end() for m in matches)]

    def error(self, fr: str, en: str, part: str) -> PhraseError:
        return PhraseError(Text(fr, en), part=part, phrase=self.phrase)

    def get(self, name: str) -> list[re.Match[str]]:
        return self.found.get(name, [])

    def read(self) -> Phrase:
        school_zone = self._school_zone()
        days = sorted((m for name in _DAY_KINDS for m in self.get(name)), key=lambda m: m.start())
        self._check_scopes(days)
        weekdays = self._weekdays(days)
        ranked = [b for b in weekdays if b.ordinal is not None]
        plain = [b for b in weekdays if b.ordinal is None]
        week_interval, month_interval = self._intervals(ranked)
        self._check_frequency_words(ranked, plain, week_interval, month_interval)
        parity = self._parity(ranked, week_interval, month_interval)
        monthly = bool(ranked) or month_interval is not None
        interval = week_interval or month_interval or 1
        months = self._months()
        until = self._until()
        count = self._count()
        hours = self._hours()
        parts = self._parts(hours)
        skip_holidays = self._holidays()
        try:
            rule = Recurrence(
                self.start,
                Frequency.MONTHLY if monthly else Frequency.WEEKLY,
                tuple(weekdays),
                interval,
                tuple(months),
                until,
                count,
                parity,
            )
        except InputError as exc:
            raise PhraseError(exc.problem, part=self.phrase, phrase=self.phrase) from None
        return Phrase(rule, hours, skip_holidays, parts, school_zone)

    def _school_zone(self) -> str | None:
        matches = self.get("school_holidays")
        if not matches:
            return None
        if len(matches) > 1:
            part = self.part(*matches)
            raise self.error(
                f"vacances scolaires nommées deux fois : « {part} »",
                f"school holidays named twice: '{part}'",
                part,
            )
        [match] = matches
        part = self.part(match)
        if match.group(1) is None and match.group(2) is None:
            raise self.error(
                f"« {part} » : les séances ont-elles lieu seulement pendant les vacances, ou "
                "jamais ? écrivez « sauf pendant les vacances scolaires (zone C) »",
                f"'{part}': are sessions held only during the holidays, or never? write 'sauf "
                "pendant les vacances scolaires (zone C)'",
                part,
            )
        if match.group(3) is None:
            raise self.error(
                f"« {part} » : précisez la zone (A, B ou C), par ex. « sauf pendant les vacances "
                "scolaires (zone C) »",
                f"'{part}': give the zone (A, B or C), e.g. 'sauf pendant les vacances "
                "scolaires (zone C)'",
                part,
            )
        try:
            return school_zone_from(match.group(3))
        except InputError as exc:
            raise PhraseError(exc.problem, part=part, phrase=self.phrase) from None

    def _check_scopes(self, days: list[re.Match[str]]) -> None:
        """Refuse hours, intervals or dates written between two days.

        In "le mardi de 9 h à 12 h et le jeudi", do the hours apply to Thursday too? Rather than
        guess, the phrase is refused.
        """
        if len(days) < 2:
            return
        for name, matches in self.found.items():
            if name in _DAY_KINDS or name in _ANYWHERE:
                continue
            for match in matches:
                if days[0].end() <= match.start() and match.end() <= days[-1].start():
                    after = next(d for d in days if d.start() >= match.end())
                    part = self.part(match, after)
                    raise self.error(
                        f"« {part} » : on ne sait pas si ce qui est dit avant "
                        f"« {self.part(after)} » vaut aussi pour ce jour ; donnez d'abord tous "
                        "les jours (« les mardis et jeudis, de 9 h à 12 h ») ou écrivez une "
                        "permanence par jour",
                        f"'{part}': it is unclear whether what comes before '{self.part(after)}' "
                        "applies to that day too; give all the days first ('les mardis et "
                        "jeudis, de 9 h à 12 h') or write one permanence per day",
                        part,
                    )

    def _weekdays(self, days: list[re.Match[str]]) -> list[ByDay]:
        # A rank applies to the next weekday named: "les 1er et 3e mardis".
        nth = self.get("every_nth_day")
        if nth and len(nth) != len(days):
            others = [d for d in days if d not in nth]
            part = self.part(nth[0], others[0])
            raise self.error(
                f"« {part} » : on ne sait pas si « {self.part(nth[0])} » vaut pour tous les jours "
                "nommés ; écrivez « toutes les deux semaines, les … » ou une permanence par jour",
                f"'{part}': it is unclear whether '{self.part(nth[0])}' applies to every day "
                "named; write 'toutes les deux semaines, les …' or one permanence per day",
                part,
            )
        weekdays: list[ByDay] = []
        pending: list[re.Match[str]] = []
        ordinals = self.get("ordinal")
        ranges = self.get("day_range")
        for match in days:
            if match in ordinals:
                pending.append(match)
                continue
            if match in ranges:
                if pending:
                    part = self.part(pending[0], match)
                    raise self.error(
                        f"rang devant une plage de jours : « {part} »",
                        f"rank before a range of days: '{part}'",
                        part,
                    )
                first, last = DAYS_FR.index(match.group(1)), DAYS_FR.index(match.group(2))
                weekdays += [ByDay((first + i) % 7) for i in range((last - first) % 7 + 1)]
                continue
            weekday = DAYS_FR.index(match.group(1))
            if pending:
                weekdays += [ByDay(weekday, _ordinal_value(p.group(0))) for p in pending]
            else:
                weekdays.append(ByDay(weekday))
            pending = []
        if pending:
            part = self.part(pending[-1])
            raise self.error(
                f"rang sans jour de la semaine : « {part} »",
                f"rank without a weekday: '{part}'",
                part,
            )
        if not weekdays:
            raise self.error(
                "aucun jour de la semaine compris (lundi, mardi…)",
                "no weekday understood (lundi, mardi…)",
                self.phrase,
            )
        return weekdays

    def _one(self, values: list[tuple[int, re.Match[str]]], what: Text) -> int | None:
        """Return the one value given (several equal ones agree); refuse two different ones."""
        if len({v for v, _ in values}) > 1:
            part = self.part(*(m for _, m in values))
            raise self.error(
                f"{what.fr} contradictoires : « {part} »",
                f"conflicting {what.en}: '{part}'",
                part,
            )
        return values[0][0] if values else None

    def _intervals(self, ranked: list[ByDay]) -> tuple[int | None, int | None]:
        weeks = [(_number(m.group(2)), m) for m in self.get("every_nth_day")]
        weeks += [(_number(next(g for g in m.groups() if g)), m) for m in self.get("week_interval")]
        months = [
            (_number(next(g for g in m.groups() if g)), m) for m in self.get("month_interval")
        ]
        months += [(2, m) for m in self._words("bimestriel")]
        week = self._one(weeks, Text("intervalles", "intervals"))
        month = self._one(months, Text("intervalles", "intervals"))
        if weeks and months:
            part = self.part(weeks[0][1], months[0][1])
            raise self.error(
                f"intervalles en semaines et en mois à la fois : « {part} »",
                f"intervals in weeks and in months at once: '{part}'",
                part,
            )
        if weeks and ranked:
            part = self.part(weeks[0][1])
            raise self.error(
                f"un rang (1er, 3e, dernier…) ne se combine pas avec « {part} »",
                f"a rank (1st, 3rd, last…) cannot be combined with '{part}'",
                part,
            )
        return week, month

    def _words(self, word: str) -> list[re.Match[str]]:
        return [m for m in self.get("frequency_word") if m.group(1).replace("-", "") == word]

    def _check_frequency_words(
        self,
        ranked: list[ByDay],
        plain: list[ByDay],
        week_interval: int | None,
        month_interval: int | None,
    ) -> None:
        for match in self._words("bimensuel"):
            part = self.part(match)
            twice = len(ranked) == 2 and not plain and month_interval is None
            if not (twice or (month_interval == 2 and ranked)):
                raise self.error(
                    f"« {part} » peut vouloir dire deux fois par mois ou un mois sur deux ; "
                    "précisez : « les 1er et 3e mardis du mois » ou « le 1er mardi du mois, un "
                    "mois sur deux »",
                    f"'{part}' may mean twice a month or every other month; say which: 'les 1er "
                    "et 3e mardis du mois' or 'le 1er mardi du mois, un mois sur deux'",
                    part,
                )
        for match in self._words("bihebdomadaire"):
            part = self.part(match)
            twice = len(plain) == 2 and not ranked and week_interval is None
            if not (twice or (week_interval == 2 and not ranked)):
                raise self.error(
                    f"« {part} » peut vouloir dire deux fois par semaine ou une semaine sur "
                    "deux ; précisez : « les mardis et jeudis » ou « un mardi sur deux »",
                    f"'{part}' may mean twice a week or every other week; say which: 'les "
                    "mardis et jeudis' or 'un mardi sur deux'",
                    part,
                )
        for match in self._words("mensuel") + self._words("bimestriel"):
            if not ranked or plain:
                part = self.part(match)
                raise self.error(
                    f"« {part} » : quel jour du mois ? précisez le rang (« le 1er mardi du "
                    "mois », « le dernier vendredi du mois »)",
                    f"'{part}': which day of the month? give its rank ('le 1er mardi du mois', "
                    "'le dernier vendredi du mois')",
                    part,
                )
        for match in self._words("hebdomadaire"):
            if ranked or week_interval is not None or month_interval is not None:
                part = self.part(match)
                raise self.error(
                    f"« {part} » contredit le reste de la phrase (rang du mois ou intervalle)",
                    f"'{part}' contradicts the rest of the phrase (a rank or an interval)",
                    part,
                )
        for match in self.get("times_per"):
            n, unit = _number(match.group(1)), match.group(2)
            part = self.part(match)
            if unit == "mois" and (len(ranked) != n or plain):
                raise self.error(
                    f"« {part} » : donnez {'le jour' if n == 1 else 'les jours'} du mois par "
                    f"{'son rang' if n == 1 else 'leur rang'} (« le 1er mardi du mois », « les 1er "
                    "et 3e mardis du mois »), autant que de fois par mois",
                    f"'{part}': give the day(s) of the month by rank ('le 1er mardi du mois', "
                    "'les 1er et 3e mardis du mois'), as many as times a month",
                    part,
                )
            if unit == "semaine" and (len(plain) != n or ranked or week_interval or month_interval):
                raise self.error(
                    f"« {part} » ne concorde pas avec les jours donnés",
                    f"'{part}' does not match the days given",
                    part,
                )

    def _parity(
        self, ranked: list[ByDay], week_interval: int | None, month_interval: int | None
    ) -> Literal["even", "odd"] | None:
        matches = self.get("parity")
        values = [(0 if m.group(1) == "paires" else 1, m) for m in matches]
        value = self._one(values, Text("parités de semaine", "week parities"))
        if value is None:
            return None
        if ranked or week_interval is not None or month_interval is not None:
            part = self.part(matches[0])
            raise self.error(
                f"« {part} » ne se combine pas avec un rang du mois ou un intervalle",
                f"'{part}' cannot be combined with a rank in the month or an interval",
                part,
            )
        return "even" if value == 0 else "odd"

    def _months(self) -> list[int]:
        months: list[int] = []
        names = [_fold(m) for m in MONTHS_FR]
        for match in self.get("months"):
            months += [names.index(m) + 1 for m in re.findall(_MONTHS, match.group(0))]
        for match in self.get("month_range"):
            first, last = names.index(match.group(1)), names.index(match.group(2))
            months += [(first + i) % 12 + 1 for i in range((last - first) % 12 + 1)]
        return months

    def _until(self) -> date | None:
        names = [_fold(m) for m in MONTHS_FR]
        values: list[tuple[int, re.Match[str]]] = []
        for name in ("until", "until_numeric", "until_year_end", "until_month_end"):
            for match in self.get(name):
                try:
                    day = self._until_date(name, match, names)
                except ValueError:
                    part = self.part(match)
                    raise self.error(
                        f"date impossible : « {part} »", f"impossible date: '{part}'", part
                    ) from None
                values.append((day.toordinal(), match))
        found = self._one(values, Text("dates de fin", "end dates"))
        return date.fromordinal(found) if found is not None else None

    def _until_date(self, name: str, match: re.Match[str], names: list[str]) -> date:
        start = self.start
        if name == "until_numeric":
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if name == "until_year_end":
            return date(int(match.group(1)) if match.group(1) else start.year, 12, 31)
        if name == "until_month_end":
            month = names.index(match.group(1)) + 1
            year = int(match.group(2)) if match.group(2) else start.year
            found = _month_end(year, month)
            return found if match.group(2) or found >= start else _month_end(year + 1, month)
        day = 1 if match.group(1) == "1er" else int(match.group(1))
        month = names.index(match.group(2)) + 1
        if match.group(3):
            return date(int(match.group(3)), month, day)
        until = date(start.year, month, day)
        return until if until >= start else date(start.year + 1, month, day)

    def _count(self) -> int | None:
        values = [(int(m.group(1)), m) for m in self.get("count")]
        return self._one(values, Text("nombres de séances", "session counts"))

    def _hours(self) -> tuple[Hours, ...]:
        ranges: list[tuple[Hours, re.Match[str]]] = []
        for match in self.get("hours"):
            part = self.part(match)
            try:
                begin, finish = _time_value(match.group(1)), _time_value(match.group(2))
            except ValueError:
                raise self.error(
                    f"heure impossible : « {part} »", f"impossible time: '{part}'", part
                ) from None
            if finish <= begin:
                raise self.error(
                    f"la fin précède le début : « {part} » (une séance de nuit se déclare "
                    "avec overnight = true, pas dans une phrase)",
                    f"the end is before the start: '{part}' (a night session is declared with "
                    "overnight = true, not in a phrase)",
                    part,
                )
            ranges.append(((begin, finish), match))
        ranges.sort(key=lambda r: r[0])
        for (before, m1), (after, m2) in itertools.pairwise(ranges):
            if after[0] < before[1]:
                part = self.part(m1, m2)
                raise self.error(
                    f"plages horaires qui se chevauchent : « {part} »",
                    f"overlapping time ranges: '{part}'",
                    part,
                )
        return tuple(r for r, _ in ranges)

    def _parts(self, hours: tuple[Hours, ...]) -> tuple[str, ...]:
        named = [(_PARTS[k], m) for k in ("morning", "afternoon") for m in self.get(k)]
        parts = tuple(sorted({p for p, _ in named}, key=list(_PARTS.values()).index))
        if hours and parts and {_part_of_day(h) for h in hours} != set(parts):
            part = self.part(*(m for _, m in named), *self.get("hours"))
            raise self.error(
                f"les heures ne concordent pas avec « {' et '.join(parts)} » : « {part} »",
                f"the hours do not match '{' and '.join(parts)}': '{part}'",
                part,
            )
        return parts

    def _holidays(self) -> bool | None:
        values = [(1, m) for m in self.get("no_holidays")]
        values += [(0, m) for m in self.get("with_holidays")]
        found = self._one(values, Text("consignes pour les jours fériés", "holiday instructions"))
        return None if found is None else bool(found)


def _check_leftovers(phrase: str, text: str, used: list[bool]) -> None:
    parts: list[str] = []
    for match in re.finditer(r"[^\s,.;:()]+(?:\s+[^\s,.;:()]+)*", text):
        words = [
            (m.start() + match.start(), m.end() + match.start(), m.group(0))
            for m in re.finditer(r"[\w-]+", match.group(0))
        ]
        bad = [(s, e) for s, e, w in words if not all(used[s:e]) and w not in _FILLER]
        if bad:
            parts.append(phrase[bad[0][0] : bad[-1][1]])
    if parts:
        shown = " », « ".join(parts)
        shown_en = "', '".join(parts)
        raise PhraseError(
            Text(f"partie non comprise : « {shown} »", f"part not understood: '{shown_en}'"),
            part=parts[0],
            phrase=phrase,
        )
