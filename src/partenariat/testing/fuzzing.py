r"""Fuzzing the readers and the command line: every bad input must be a located error, never a crash.

Each :class:`Target` reads one kind of input the way a user's file reaches partenariat (a convention
TOML file, a cohort CSV, a QPV GeoJSON file, a follow-up journal, a command line) and goes on to use
what it read. An input ends in one of four :class:`Verdict`\\ s:

``ok``
    read and used without error;
``refused``
    refused with a :class:`~partenariat.errors.PartenariatError` (or a click usage error) whose
    message names the file;
``unlocated``
    refused with a partenariat error that does not name the file: a defect of the message;
``crash``
    any other exception: a defect.

Inputs come from mutators that take a :class:`random.Random`, so the same code serves a seeded
campaign (``benchmarks/fuzz.py``: 100,000 inputs, crashes deduplicated by exception type and the
innermost partenariat frame) and Hypothesis tests (``st.randoms()`` drives the mutators, and shrinks
what fails).
"""

from __future__ import annotations

import contextlib
import functools
import io
import random
import shutil
import signal
import sys
import tomllib
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from partenariat.testing.mutators import mutate_bytes, mutate_json, mutate_text

if TYPE_CHECKING:
    from partenariat.io import Registry

Verdict: TypeAlias = Literal["ok", "refused", "unlocated", "crash"]


@attrs.frozen
class Outcome:
    """What one input did."""

    verdict: Verdict
    """``ok``, ``refused``, ``unlocated`` or ``crash``."""
    error_type: str = ""
    """The exception's type, for ``refused``, ``unlocated`` and ``crash``."""
    location: str = ""
    """For a crash: the innermost frame of partenariat (``module.py:line``), else the innermost."""
    message: str = ""
    """The error's message (first 300 characters)."""

    @property
    def key(self) -> tuple[str, str]:
        """How crashes are deduplicated: exception type and location."""
        return (self.error_type, self.location)


def _location(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [
        f for f in frames if "partenariat" in f.filename and "testing/fuzzing" not in f.filename
    ]
    if not (ours or frames):
        return "?"
    frame = (ours or frames)[-1]
    parts = Path(frame.filename).parts
    tail = (
        "/".join(parts[parts.index("partenariat") :]) if "partenariat" in parts else frame.filename
    )
    return f"{tail}:{frame.lineno}"


def classify(exc: BaseException | None, *, source: Path | None) -> Outcome:
    """Sort an input's exception (or its absence) into a verdict."""
    if exc is None:
        return Outcome("ok")
    from partenariat.errors import PartenariatError

    name = type(exc).__name__
    if isinstance(exc, PartenariatError):
        message = exc.describe("fr")
        located = source is None or source.name in message
        return Outcome("refused" if located else "unlocated", name, _location(exc), message[:300])
    return Outcome("crash", name, _location(exc), str(exc)[:300])


@attrs.frozen
class Target:
    """One reader (or the command line) and the seed inputs it is fuzzed from."""

    name: str
    """Short name (``convention``, ``cohort``, ``qpv``, ``journal``, ``cli``)."""
    suffix: str
    """The file suffix inputs are written with."""
    seeds: Callable[[Path], Sequence[bytes]] = attrs.field(repr=False)
    """``seeds(workdir)``: the well-formed inputs the mutators start from."""
    mutate: Callable[[random.Random, bytes], bytes] = attrs.field(repr=False)
    """``mutate(rng, seed)``: one mutated input."""
    use: Callable[[Path, Path], None] = attrs.field(repr=False)
    """``use(path, workdir)``: read the input at ``path`` and use what was read."""


def _examples() -> Path:
    from partenariat.examples import examples_dir

    return examples_dir()


@functools.cache
def _registry() -> Registry:
    """Return the registry of the installed plugins (the examples name the partners' kinds)."""
    from partenariat.plugins import make_plugin_host

    return make_plugin_host().registry()


def _text_mutator(rng: random.Random, seed: bytes) -> bytes:
    if rng.random() < 0.25:
        return mutate_bytes(rng, seed)
    return mutate_text(rng, seed.decode("utf-8")).encode("utf-8")


def _json_mutator(rng: random.Random, seed: bytes) -> bytes:
    choice = rng.random()
    if choice < 0.2:
        return mutate_bytes(rng, seed)
    if choice < 0.4:
        return mutate_text(rng, seed.decode("utf-8")).encode("utf-8")
    return mutate_json(rng, seed.decode("utf-8")).encode("utf-8")


def _convention_seeds(_work: Path) -> Sequence[bytes]:
    return [p.read_bytes() for p in sorted(_examples().glob("*.toml"))]


def _use_convention(path: Path, _work: Path) -> None:
    from partenariat.io import convention_from_dict, dump_toml, load_convention
    from partenariat.permanences import HolidayCalendar, expand
    from partenariat.summary import convention_summary

    registry = _registry()
    convention = load_convention(path, registry=registry)
    convention_summary(convention, "fr", kinds=registry.partner_kinds)
    convention.renewal_deadline(convention.period.start)
    again = convention_from_dict(
        tomllib.loads(dump_toml(convention)), source=path.name, registry=registry
    )
    if again != convention:
        raise AssertionError("the TOML round trip changed the convention")
    calendar = HolidayCalendar()
    end = convention.period.end or convention.period.start
    for permanence in convention.permanences:
        expand(permanence, convention.period.start, end, calendar)


def _cohort_seeds(_work: Path) -> Sequence[bytes]:
    return [(_examples() / "cohorte-onet.csv").read_bytes()]


def _use_cohort(path: Path, _work: Path) -> None:
    from partenariat.eligibility.cohort import evaluate_cohort, read_people_csv
    from partenariat.io import load_convention

    onet = _examples() / "onet-le-chateau-mission-locale.toml"
    public = load_convention(onet, registry=_registry()).target_public
    people = read_people_csv(path, public)
    if public is not None:
        result = evaluate_cohort(public, people.table, date(2019, 10, 1), lines=people.lines)
        result.summary().render("fr")


def _qpv_seeds(_work: Path) -> Sequence[bytes]:
    return [p.read_bytes() for p in sorted((_examples() / "qpv").glob("*.geojson"))]


def _use_qpv(path: Path, _work: Path) -> None:
    from partenariat.eligibility.qpv import QPVIndex, QPVLayer

    layer = QPVLayer.from_geojson(path)
    index = QPVIndex.of(layer)
    for lon, lat in ((2.59471, 44.36535), (6.00637, 43.11764), (2.0, 48.0)):
        index.locate(lon, lat, layer.vintage)


def _journal_seeds(work: Path) -> Sequence[bytes]:
    from partenariat.followup.sqlite import SqliteStore

    path = work / "seed-journal.sqlite"
    if not path.exists():
        from partenariat.cli import cli

        _run_cli(cli, ["suivi", "creer", str(path)])
        _run_cli(
            cli,
            [
                "suivi",
                "orienter",
                str(path),
                "--convention",
                str(_examples() / "onet-le-chateau-mission-locale.toml"),
                "--dossier",
                "D1",
                "--personne",
                "P001",
                "--date",
                "2019-09-10 10:00",
                "--acteur",
                "accueil-ccas",
            ],
        )
        SqliteStore.open(path).close()
    return [path.read_bytes()]


def _use_journal(path: Path, _work: Path) -> None:
    from partenariat.followup.sqlite import SqliteStore

    store = SqliteStore.open(path)
    try:
        for file_id in store.file_ids():
            store.read_stream(file_id)
        store.verify()
    finally:
        store.close()


def _run_cli(command: Any, argv: list[str]) -> int:
    """Run the command line in-process; return its exit status; raise what it would crash on."""
    import click

    try:
        status = command.main(args=argv, prog_name="partenariat", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        return 130
    return status if isinstance(status, int) else 0


_CLI_WORDS: tuple[str, ...] = (
    "check",
    "show",
    "calendrier",
    "eligibilite",
    "indicateurs",
    "plugins",
    "suivi",
    "creer",
    "orienter",
    "rdv",
    "presence",
    "transition",
    "historique",
    "conservation",
    "verifier",
    "export",
    "--du",
    "--au",
    "--date",
    "--format",
    "--lang",
    "--annees",
    "--dossier",
    "--personne",
    "--journal",
    "--qpv",
    "--tolerance",
    "--sortie",
    "json",
    "ics",
    "osm",
    "en",
    "0001-01-01",
    "0001-01-01 00:00",
    "9999-12-31",
    "31/02/2019",
    "100000",
    "99999999999999999999",
    "-1",
    "1000000",
    "D\x1b]0;pwned\x07",
    "a\r\nb",
    "\x00",
    "{convention}",
    "{cohort}",
    "{qpv}:2015",
    "{qpv}:x",
    "{journal}",
    "{missing}",
    "{folder}",
)


def _cli_seeds(work: Path) -> Sequence[bytes]:
    return [
        b"check {convention}",
        b"show {convention} --lang en",
        b"calendrier {convention} --du 2019-09-01 --au 2019-12-31 --format json",
        b"eligibilite {convention} {cohort} --date 2019-10-01 --qpv {qpv}:2015",
        b"suivi historique {journal} --dossier D1",
        b"suivi conservation {journal} --annees 2 --date 2019-10-01",
        b"indicateurs {convention} --journal {journal} --du 2019-09-01 --au 2019-12-31",
    ]


def _cli_mutator(rng: random.Random, seed: bytes) -> bytes:
    words = seed.decode("utf-8").split(" ")
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(3)
        i = rng.randrange(len(words))
        if op == 0:
            words[i] = rng.choice(_CLI_WORDS)
        elif op == 1:
            words.insert(i, rng.choice(_CLI_WORDS))
        elif len(words) > 1:
            del words[i]
    return "\x1f".join(words).encode("utf-8")


def _use_cli(path: Path, work: Path) -> None:
    from partenariat.cli import cli

    journal = work / "cli-journal.sqlite"
    if not journal.exists():
        shutil.copy(work / "seed-journal.sqlite", journal)
    folder = work / "a-folder"
    folder.mkdir(exist_ok=True)
    values = {
        "convention": str(_examples() / "onet-le-chateau-mission-locale.toml"),
        "cohort": str(_examples() / "cohorte-onet.csv"),
        "qpv": str(_examples() / "qpv" / "qpv2015_aveyron_voisins.geojson"),
        "journal": str(journal),
        "missing": str(work / "absent.toml"),
        "folder": str(folder),
    }
    text = path.read_text(encoding="utf-8")
    argv = [word.format(**values) if "{" in word else word for word in text.split("\x1f")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        _run_cli(cli, [w for w in argv if w != ""])
    unsafe = sorted({c for c in out.getvalue() if c in _TERMINAL_UNSAFE})
    if unsafe:
        raise UnsafeOutputError(f"the output carries control characters {unsafe!r}")


class UnsafeOutputError(Exception):
    """A command printed control characters or escape sequences that came from its input."""


_TERMINAL_UNSAFE = frozenset(
    chr(c) for c in (*range(0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F)
)
"""C0 control characters and DEL, except tab, line feed and carriage return (CRLF in iCalendar)."""


TARGETS: tuple[Target, ...] = (
    Target("convention", ".toml", _convention_seeds, _text_mutator, _use_convention),
    Target("cohort", ".csv", _cohort_seeds, _text_mutator, _use_cohort),
    Target("qpv", ".geojson", _qpv_seeds, _json_mutator, _use_qpv),
    Target("journal", ".sqlite", _journal_seeds, mutate_bytes, _use_journal),
    Target("cli", ".argv", _cli_seeds, _cli_mutator, _use_cli),
)
"""The readers and the command line, each with its seeds and mutator."""


def target(name: str) -> Target:
    """Return the target called ``name``."""
    for candidate in TARGETS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


class InputTimeout(Exception):
    """One input took longer than the campaign allows: counted as a crash (unbounded work)."""


def _on_alarm(_signum: int, _frame: object) -> None:
    raise InputTimeout("the input took longer than the time allowed to one input")


def run_one(tgt: Target, data: bytes, work: Path, *, seconds: float = 0) -> Outcome:
    """Write ``data`` as an input of ``tgt`` in ``work``, use it, and classify what happened.

    :param seconds: when positive (main thread only), an input still running after that long is
        stopped and counted as a crash: bounded resources are part of the contract.
    """
    path = work / f"input{tgt.suffix}"
    path.write_bytes(data)
    source = None if tgt.name == "cli" else path
    limit = sys.getrecursionlimit()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if seconds > 0 else None
    if seconds > 0:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        tgt.use(path, work)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return classify(exc, source=source)
    finally:
        if seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        sys.setrecursionlimit(limit)
        for leftover in work.glob("input*"):
            leftover.unlink()
    return classify(None, source=source)


@attrs.define
class Campaign:
    """The tally of a fuzzing campaign."""

    counts: dict[tuple[str, Verdict], int] = attrs.field(factory=dict)
    """Inputs by (target, verdict)."""
    crashes: dict[tuple[str, str, str], tuple[int, Outcome, bytes]] = attrs.field(factory=dict)
    """Distinct crashes and unlocated errors by (target, type, location): count, outcome, input."""

    def add(self, name: str, outcome: Outcome, data: bytes) -> None:
        """Count one input."""
        self.counts[(name, outcome.verdict)] = self.counts.get((name, outcome.verdict), 0) + 1
        if outcome.verdict in ("crash", "unlocated"):
            key = (name, *outcome.key)
            count, first, sample = self.crashes.get(key, (0, outcome, data))
            if len(data) < len(sample):
                first, sample = outcome, data
            self.crashes[key] = (count + 1, first, sample)

    @property
    def total(self) -> int:
        """How many inputs were run."""
        return sum(self.counts.values())

    def failures(self, verdict: Verdict) -> int:
        """How many inputs ended with ``verdict``."""
        return sum(n for (_, v), n in self.counts.items() if v == verdict)


def campaign(
    inputs: int,
    seed: int,
    work: Path,
    *,
    targets: Sequence[Target] = TARGETS,
    progress: Callable[[int], None] | None = None,
    seconds: float = 0,
) -> Campaign:
    """Run ``inputs`` mutated inputs, spread over ``targets`` in turn, from ``random.Random(seed)``.

    :param seconds: the time allowed to one input (see :func:`run_one`).
    """
    rng = random.Random(seed)
    seeds = {t.name: t.seeds(work) for t in targets}
    tally = Campaign()
    for i in range(inputs):
        tgt = targets[i % len(targets)]
        data = tgt.mutate(rng, rng.choice(seeds[tgt.name]))
        tally.add(tgt.name, run_one(tgt, data, work, seconds=seconds), data)
        if progress is not None:
            progress(i + 1)
    return tally
