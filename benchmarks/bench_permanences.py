"""Benchmark: expanding 1,000 mixed permanences over one year, with holidays and exceptions.

Three ways, measured in one run on the same data:

1. partenariat (``expand_all``), holiday lists computed from scratch;
2. ``recurring-ical-events`` expanding the equivalent iCalendar file (written by partenariat),
   parsing included;
3. a plain hand-written loop: ``dateutil.rrule`` on naive local times, ``zoneinfo``, ``holidays``,
   exceptions applied by hand (no checks of nonexistent times, no statuses, no reasons).

All three must find the same sessions. Times are the best CPU time (``time.process_time``) of
several runs, so that other processes on the machine disturb the ratios less.
Run: ``python benchmarks/bench_permanences.py``.
Targets: at least 10x faster than recurring-ical-events, at most 2x the hand-written loop.

``--scaling`` measures partenariat and the hand-written loop side by side for 100, 1,000 and
10,000 permanences over a year and 1,000 permanences over 1, 5 and 20 years (target: at most 1.3x
the loop at 1,000 and 10,000, and a cost per session that does not grow with the number of
sessions), with the time the cyclic garbage collector took in each best run. ``--slots`` times
the free-slot search over a year of one convention's sessions with 10,000 bookings (target: under
50 ms).
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from partenariat.permanences import (
    Cancellation,
    ExtraSession,
    HolidayCalendar,
    HolidayPolicy,
    Move,
    Permanence,
    Place,
    Recurrence,
    expand_all,
)
from partenariat.permanences.exporters import to_ical
from partenariat.permanences.holidays import TERRITORIES
from partenariat.permanences.recurrence import Agenda, rule_starts

START, END = date(2025, 1, 1), date(2025, 12, 31)
CODES = ("MO", "TU", "WE", "TH", "FR")
ZONES = (
    ("Europe/Paris", "metropole"),
    ("Europe/Paris", "metropole"),
    ("Europe/Paris", "metropole"),
    ("Europe/Paris", "alsace-moselle"),
    ("America/Cayenne", "guyane"),
    ("Indian/Reunion", "la-reunion"),
)


def make_permanences(
    n: int, seed: int = 2025, start: date = START, end: date = END
) -> list[Permanence]:
    """Build ``n`` varied permanences: weekly, fortnightly, monthly ranks, last weekday, exceptions."""
    rng = random.Random(seed)
    years = range(start.year, end.year + 1)
    result = []
    for i in range(n):
        kind = rng.choice(("weekly", "fortnightly", "monthly", "last"))
        first = start + timedelta(days=rng.randrange(0, 60))
        until = end - timedelta(days=rng.randrange(0, 60))
        day = rng.choice(CODES)
        if kind == "weekly":
            rule = Recurrence.weekly(first, day, until=until)
        elif kind == "fortnightly":
            rule = Recurrence.weekly(first, day, interval=2, until=until)
        elif kind == "monthly":
            rule = Recurrence.monthly(first, f"1{day}", f"3{day}", until=until)
        else:
            rule = Recurrence.monthly(first, f"-1{day}", until=until)
        zone, territory = rng.choice(ZONES)
        hour = rng.randrange(8, 16)
        perm = Permanence(
            f"p{i}",
            "bench",
            "partner",
            Place("CCAS", f"salle {i % 7}"),
            time(hour),
            time(hour + rng.randrange(1, 4)),
            rule,
            time_zone=zone,
            holidays=HolidayPolicy(territory, worked=["lundi de Pentecôte"] if i % 5 == 0 else ()),
        )
        days = [d.date() for d in rule_starts(rule, perm.start, end)]
        held = [d for d in days if d not in _holidays_for(territory, years)]
        if len(held) >= 6:
            a, b, c = rng.sample(held[1:-1], 3)
            perm = Permanence(
                perm.id,
                perm.convention,
                perm.partner,
                perm.place,
                perm.start,
                perm.end,
                perm.rule,
                time_zone=perm.time_zone,
                holidays=perm.holidays,
                cancellations=[Cancellation(a, "absence")],
                moves=[Move(b, start=time(hour, 30), reason="réunion")],
                extras=[
                    ExtraSession(
                        c + timedelta(days=1) if c.weekday() < 4 else c - timedelta(days=1)
                    )
                ],
            )
        result.append(perm)
    return result


_HOLIDAY_CACHE = HolidayCalendar()


def _holidays_for(territory: str, years: range = range(2025, 2026)) -> set[date]:
    return {day for year in years for day in _HOLIDAY_CACHE.holidays(territory, year)}


# -- the three contenders -------------------------------------------------------------------
def run_partenariat(
    perms: list[Permanence], start: date = START, end: date = END
) -> list[tuple[datetime, datetime]]:
    occurrences = expand_all(perms, start, end, HolidayCalendar())
    return [(o.start, o.end) for o in occurrences if o.held]


def run_recurring_ical_events(data: bytes) -> list[tuple[datetime, datetime]]:
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(START, END + timedelta(days=1))
    return [(e["DTSTART"].dt, e["DTEND"].dt) for e in events]


def run_hand_written(
    perms: list[Permanence], start: date = START, end: date = END
) -> list[tuple[datetime, datetime]]:
    import holidays as holidays_lib
    from dateutil import rrule as rr

    days_by_code = {
        "MO": rr.MO,
        "TU": rr.TU,
        "WE": rr.WE,
        "TH": rr.TH,
        "FR": rr.FR,
        "SA": rr.SA,
        "SU": rr.SU,
    }
    lists: dict[str, object] = {}
    out: list[tuple[datetime, datetime]] = []
    for p in perms:
        territory = p.holidays.territory
        hol = lists.get(territory)
        if hol is None:
            hol = lists[territory] = holidays_lib.country_holidays(
                "FR", subdiv=TERRITORIES[territory], years=range(start.year, end.year + 1)
            )
        worked = {d for d, name in hol.items() if p.holidays.worked and "Pentec" in name}  # type: ignore[attr-defined]
        zone = ZoneInfo(p.time_zone)
        r = p.rule
        byday = [
            days_by_code[b.code[-2:]] if b.ordinal is None else days_by_code[b.code[-2:]](b.ordinal)
            for b in r.weekdays
        ]
        rule = rr.rrule(
            rr.WEEKLY if r.frequency.name == "WEEKLY" else rr.MONTHLY,
            dtstart=datetime.combine(r.start, p.start),
            interval=r.interval,
            byweekday=byday,
            until=datetime.combine(r.until or end, time(23, 59, 59)),
        )
        length = datetime.combine(start, p.end) - datetime.combine(start, p.start)
        cancelled = {c.on for c in p.cancellations}
        moved = {m.on: m for m in p.moves}
        for naive in rule.between(
            datetime.combine(start, time()), datetime.combine(end, time(23, 59)), inc=True
        ):
            day = naive.date()
            if day in cancelled or (day in hol and day not in worked):  # type: ignore[operator]
                continue
            move = moved.get(day)
            begin = (
                naive if move is None else datetime.combine(move.to or day, move.start or p.start)
            )
            out.append((begin.replace(tzinfo=zone), (begin + length).replace(tzinfo=zone)))
        for extra in p.extras:
            naive = datetime.combine(extra.on, p.start)
            out.append((naive.replace(tzinfo=zone), (naive + length).replace(tzinfo=zone)))
    out.sort(key=lambda pair: pair[0].astimezone(UTC))
    return out


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    best, _, result = best_of_with_collector(repeat, fn)
    return best, result


def best_of_with_collector(repeat: int, fn: Callable[[], object]) -> tuple[float, float, object]:
    """Return the best CPU time of ``repeat`` runs, the collector's time in that run, the result.

    The collector's time is what Python's cyclic garbage collector spent in its passes during the
    run (measured with ``gc.callbacks``), whoever allocated the objects it scanned.
    """
    passes: list[float] = []

    def on_pass(phase: str, _: dict[str, int]) -> None:
        passes.append(clock.process_time() if phase == "start" else -clock.process_time())

    best = collector = float("inf")
    result: object = None
    gc.callbacks.append(on_pass)
    try:
        for _ in range(repeat):
            passes.clear()
            t0 = clock.process_time()
            result = fn()
            elapsed = clock.process_time() - t0
            if elapsed < best:
                best, collector = elapsed, -sum(passes)
    finally:
        gc.callbacks.remove(on_pass)
    return best, collector, result


def as_utc(pairs: object) -> list[tuple[datetime, datetime]]:
    assert isinstance(pairs, list)
    return sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in pairs)


SCALES = ((100, 1), (1000, 1), (10_000, 1), (1000, 5), (1000, 20))
"""(permanences, years) measured by ``--scaling``."""


def scaling(repeat: int) -> None:
    """Print partenariat and the hand-written loop side by side as the sessions grow."""
    print(
        f"{'permanences':>11}{'years':>6}{'sessions':>10}{'partenariat':>13}{'hand loop':>11}"
        f"{'ratio':>7}{'us/session':>12}{'collector':>16}"
    )
    ratios: dict[tuple[int, int], float] = {}
    per_session: dict[tuple[int, int], float] = {}
    for n, years in SCALES:
        start, end = START, date(START.year + years - 1, 12, 31)
        perms = make_permanences(n, start=start, end=end)
        t_ours, gc_ours, ours = best_of_with_collector(
            repeat, lambda p=perms, a=start, b=end: run_partenariat(p, a, b)
        )
        t_hand, gc_hand, hand = best_of_with_collector(
            repeat, lambda p=perms, a=start, b=end: run_hand_written(p, a, b)
        )
        assert as_utc(ours) == as_utc(hand), "the hand-written loop disagrees with partenariat"
        sessions = len(ours)  # type: ignore[arg-type]
        ratios[n, years] = t_ours / t_hand
        per_session[n, years] = t_ours / sessions * 1e6
        print(
            f"{n:>11}{years:>6}{sessions:>10}{t_ours * 1000:>10.0f} ms{t_hand * 1000:>8.0f} ms"
            f"{t_ours / t_hand:>6.2f}x{per_session[n, years]:>12.2f}"
            f"{gc_ours * 1000:>8.0f}/{gc_hand * 1000:.0f} ms"
        )
    for key in ((1000, 1), (10_000, 1)):
        ok = "OK" if ratios[key] <= 1.3 else "MISSED"
        print(
            f"{key[0]} permanences over a year: {ratios[key]:.2f}x the hand loop (target <= 1.3x): {ok}"
        )
    growth = per_session[10_000, 1] / per_session[1000, 1]
    print(f"cost per session, 10,000 vs 1,000 permanences: {growth:.2f}x (linear: about 1x)")
    print(
        "collector: CPU time of the cyclic garbage collector's passes in the best run "
        "(partenariat/hand loop)"
    )


def slot_search(repeat: int) -> None:
    """Time the free-slot search over a year of one convention's sessions with 10,000 bookings."""
    from partenariat.permanences.slots import Booking, next_free_slots

    perm = Permanence(
        "accueil",
        "bench",
        "partner",
        Place("CCAS", "bureau"),
        time(9),
        time(17),
        Recurrence.weekly(START, *CODES, until=END),
        counsellors=("A", "B", "C"),
        slot_minutes=30,
    )
    sessions = [o for o in expand_all([perm], START, END, HolidayCalendar()) if o.held]
    bookings: list[Booking] = []
    for occ in sessions:  # the first 10,000 seats, in order: the search must skip ten months
        slot = occ.start
        while slot < occ.end and len(bookings) < 10_000:
            end = slot + timedelta(minutes=30)
            bookings += [Booking("accueil", slot, end, "D/R")] * min(3, 10_000 - len(bookings))
            slot = end
    start = datetime.combine(START, time(0), ZoneInfo("Europe/Paris"))

    def search() -> object:
        return next_free_slots(
            [perm], sessions, bookings, start=start, count=5, within=timedelta(weeks=52)
        )

    t_search, found = best_of(repeat, search)
    t_all, _ = best_of(
        repeat,
        lambda: next_free_slots(
            [perm],
            expand_all([perm], START, END, HolidayCalendar()),
            bookings,
            start=start,
            count=5,
            within=timedelta(weeks=52),
        ),
    )
    assert isinstance(found, list)
    assert len(found) == 5
    print(
        f"free-slot search: {len(sessions)} sessions, {len(bookings)} bookings, capacity 3, "
        f"first free slot {found[0].start:%Y-%m-%d %H:%M}"
    )
    print(
        f"  search alone {t_search * 1000:.1f} ms, with the year's expansion {t_all * 1000:.1f} ms "
        f"(target < 50 ms): {'OK' if t_search < 0.05 else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="number of permanences (1000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per contender; the best counts")
    parser.add_argument(
        "--scaling", action="store_true", help="100 to 10,000 permanences, 1 to 20 years"
    )
    parser.add_argument("--slots", action="store_true", help="free-slot search, 10,000 bookings")
    args = parser.parse_args()
    if args.scaling or args.slots:
        print(
            f"machine: {platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}"
        )
        if args.scaling:
            scaling(max(1, min(args.repeat, 3)))
        if args.slots:
            slot_search(args.repeat)
        return

    perms = make_permanences(args.n)
    data = to_ical(Agenda(perms, START, END, HolidayCalendar()))

    t_ours, ours = best_of(args.repeat, lambda: run_partenariat(perms))
    t_hand, hand = best_of(args.repeat, lambda: run_hand_written(perms))
    t_rie, rie = best_of(max(1, args.repeat // 2), lambda: run_recurring_ical_events(data))

    ours_utc, hand_utc, rie_utc = as_utc(ours), as_utc(hand), as_utc(rie)
    assert ours_utc == rie_utc, "recurring-ical-events disagrees with partenariat"
    assert ours_utc == hand_utc, "the hand-written loop disagrees with partenariat"

    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
    )
    print(
        f"{args.n} permanences, {START} to {END}: {len(ours_utc)} sessions held (all three agree)"
    )
    print(f"{'contender':<28}{'best CPU time':>14}{'ratio to partenariat':>22}")
    print(f"{'partenariat':<28}{t_ours * 1000:>10.1f} ms{1.0:>23.2f}x")
    print(f"{'hand-written loop':<28}{t_hand * 1000:>10.1f} ms{t_hand / t_ours:>23.2f}x")
    print(f"{'recurring-ical-events':<28}{t_rie * 1000:>10.1f} ms{t_rie / t_ours:>23.2f}x")
    faster = t_rie / t_ours
    slower = t_ours / t_hand
    print(
        f"partenariat is {faster:.1f}x faster than recurring-ical-events (target >= 10x): "
        f"{'OK' if faster >= 10 else 'MISSED'}"
    )
    print(
        f"partenariat takes {slower:.2f}x the hand-written loop (target <= 2x): "
        f"{'OK' if slower <= 2 else 'MISSED'}"
    )
    print(
        f"(best of {args.repeat} runs each; recurring-ical-events best of {max(1, args.repeat // 2)})"
    )


if __name__ == "__main__":
    main()
