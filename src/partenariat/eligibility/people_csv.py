"""People from a CSV file: one row each, bad rows reported by line, the others kept.

:func:`read_people_csv` reads ``,`` or ``;`` separated files (UTF-8 with or without BOM, ISO or
French dates); the columns a rule needs come from the registry (:attr:`PredicateType.needs`).
"""

from __future__ import annotations

import array
import codecs
import csv
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from partenariat.eligibility.facts import (
    Barrier,
    Evidence,
    Location,
    PersonFacts,
    check_birth_date,
    check_insee,
    check_qpv_code,
)
from partenariat.eligibility.rules import Rule, RuleRegistry, TargetPublic
from partenariat.errors import InputError, ValidationError, listing
from partenariat.i18n import Text

if TYPE_CHECKING:
    pass
from partenariat.eligibility.table import PersonTable, PersonTableBuilder

#: canonical column name -> accepted spellings (French first).
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "identifiant", "ref", "reference"),
    "birth_date": ("date_naissance", "birth_date", "naissance"),
    "commune": ("commune", "commune_insee", "code_insee", "insee"),
    "lon": ("longitude", "lon", "lng"),
    "lat": ("latitude", "lat"),
    "precision": ("precision_geocodage", "precision", "geocode_precision"),
    "qpv_code": ("code_qpv", "qpv_code", "qpv"),
    "statuses": ("statuts", "statuses"),
    "structures": ("structures", "hebergement"),
    "barriers": ("freins", "barriers"),
}

_NONE_WORDS: Final = frozenset({"aucun", "aucune", "none", "-"})


@attrs.frozen(eq=False)
class RowError:
    """A row that could not be evaluated, with its line in the source file."""

    line: int | None
    """1-based line in the CSV file (the header is line 1)."""
    id: str | None
    """The row's identifier, when it could be read."""
    error: InputError
    """What is wrong."""


def needed_columns(
    target: Rule | TargetPublic, registry: RuleRegistry | None = None
) -> dict[str, tuple[str, ...]]:
    """Return the facts a rule reads, each with the columns that can provide it (any one suffices).

    The facts come from each rule type's :attr:`PredicateType.needs` in ``registry`` (default: the
    core registry), so a plugin's predicate asks for its columns too. Only the eligibility rule's
    facts are required: priority criteria whose facts are absent from the file stay unknown (they
    rank, they never exclude).
    """
    types = (registry or RuleRegistry.core()).predicates
    needed: dict[str, tuple[str, ...]] = {"id": ("id",)}

    def visit(r: Rule) -> None:
        for child in r.children:
            visit(child)
        ptype = types.get(r.kind)
        for fact in ptype.needs if ptype is not None else ():
            needed[fact] = _FACT_COLUMNS.get(fact, (fact,))

    visit(target.rule if isinstance(target, TargetPublic) else target)
    return needed


_FACT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {"location": ("lon", "qpv_code")}
"""Facts that more than one column can provide (a known QPV code stands in for a location)."""


def _parse_cell_date(value: str, key: str) -> date:
    text = value.strip()
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                raise ValueError(text)
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            Text("date impossible ou mal écrite", "impossible or malformed date"),
            key=key,
            found=value,
            expected=Text("AAAA-MM-JJ ou JJ/MM/AAAA", "YYYY-MM-DD or DD/MM/YYYY"),
        ) from None


def _parse_float(value: str, key: str) -> float:
    try:
        return float(value.strip().replace(",", "."))
    except ValueError:
        raise InputError(
            Text("nombre invalide", "invalid number"),
            key=key,
            found=value,
            expected=Text("un nombre en degrés (ex. 2,5947)", "a number of degrees (e.g. 2.5947)"),
        ) from None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", "|").split("|") if part.strip()]


def _parse_names(value: str) -> frozenset[str] | None:
    if not value.strip():
        return None
    if value.strip().lower() in _NONE_WORDS:
        return frozenset()
    return frozenset(_split(value))


def _parse_barriers(value: str, key: str) -> tuple[Barrier, ...] | None:
    if not value.strip():
        return None
    if value.strip().lower() in _NONE_WORDS:
        return ()
    found = []
    for item in value.split("|"):
        parts = [p.strip() for p in item.split(":")]
        if len(parts) not in (3, 4) or not parts[0]:
            raise InputError(
                Text("frein mal écrit", "malformed barrier"),
                key=key,
                found=item,
                expected=Text(
                    "type:source:date_observation[:fin_validite], séparés par |",
                    "kind:source:observed_on[:valid_until], separated by |",
                ),
            )
        observed = _parse_cell_date(parts[2], key)
        until = _parse_cell_date(parts[3], key) if len(parts) == 4 and parts[3] else None
        try:
            found.append(Barrier(parts[0], Evidence(parts[1], observed, until)))
        except InputError as exc:
            raise exc.located(prefix=key) from None
    return tuple(found)


@attrs.frozen(eq=False)
class PeopleFile:
    """A cohort read from a CSV file: the valid rows as a table, the bad ones as errors."""

    table: PersonTable
    """The rows that could be read."""
    lines: Sequence[int]
    """The file line of each table row (a compact array of integers)."""
    errors: tuple[RowError, ...]
    """The rows that could not be read, by line."""
    source: str
    """The file."""


MAX_CELL = 131_072
"""The longest cell a cohort file may hold, in characters (the CSV reader's own limit)."""


class _rows:
    """The rows of a CSV reader, with its errors (a cell over :data:`MAX_CELL`) located."""

    def __init__(self, reader: Any, source: str) -> None:
        self._reader = reader
        self._source = source

    @property
    def line_num(self) -> int:
        """The physical line the last row ended on."""
        return int(self._reader.line_num)

    def __iter__(self) -> _rows:
        return self

    def __next__(self) -> list[str]:
        try:
            row: list[str] = next(self._reader)
        except csv.Error as exc:
            raise InputError(
                Text(f"ligne CSV illisible : {exc}", f"unreadable CSV line: {exc}"),
                source=self._source,
                line=self._reader.line_num,
                expected=Text(
                    f"des cellules de moins de {MAX_CELL} caractères",
                    f"cells under {MAX_CELL} characters",
                ),
            ) from None
        return row


def read_people_csv(
    path: str | Path,
    target: Rule | TargetPublic | None = None,
    *,
    registry_barriers: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
    registry: RuleRegistry | None = None,
) -> PeopleFile:
    """Read a CSV file of people (one row each; see :data:`COLUMNS` for the column names).

    :param target: when given, the columns its rule needs must be present.
    :param registry_barriers: known barrier kinds; other kinds in a row make it a bad row (default:
        those of ``registry``).
    :param progress: called with the number of rows read since the last call (for a progress bar).
    :param registry: the registry the rule was built with: the columns its rule types need, and
        the barrier kinds (default: the core registry).
    :raise ValidationError: the file cannot be read, or needed columns are missing (all listed).
    """
    source = str(path)
    file = Path(path)
    try:
        bad_byte = _first_bad_utf8(file)
        handle = file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(
            Text(f"fichier illisible : {exc.strerror}", f"unreadable file: {exc.strerror}"),
            source=source,
        ) from None
    with handle:
        if bad_byte is not None:
            raise _not_utf8(file, bad_byte, source)
        # read as a stream: a million people never sit in memory as one text
        first = handle.readline()
        line_one = first.split("\n", 1)[0]
        delimiter = ";" if line_one.count(";") > line_one.count(",") else ","
        reader = _rows(csv.reader(itertools.chain([first], handle), delimiter=delimiter), source)
        return _read_rows(
            reader,
            source,
            target=target,
            registry_barriers=registry_barriers,
            progress=progress,
            registry=registry,
        )


def _first_bad_utf8(path: Path) -> int | None:
    """Return the offset of the first byte of ``path`` that is not UTF-8, reading in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(chunk)
                return done - pending + exc.start
            done += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return done - len(exc.object) + exc.start
    return None


def _not_utf8(path: Path, at: int, source: str) -> InputError:
    """Return the error for the byte at offset ``at``, located by line and column."""
    with path.open("rb") as handle:
        head = handle.read(at + 1)
    return InputError(
        Text("le fichier n'est pas en UTF-8", "the file is not UTF-8"),
        source=source,
        line=head.count(b"\n", 0, at) + 1,
        column=at - (head.rfind(b"\n", 0, at) + 1) + 1,
        found=f"0x{head[at]:02X}",
        expected=Text(
            "du texte UTF-8 (réenregistrez le fichier en UTF-8)",
            "UTF-8 text (save the file as UTF-8)",
        ),
    )


def _read_rows(
    reader: _rows,
    source: str,
    *,
    target: Rule | TargetPublic | None,
    registry_barriers: Iterable[str] | None,
    progress: Callable[[int], None] | None,
    registry: RuleRegistry | None,
) -> PeopleFile:
    """Read the header and the rows of an opened cohort file (see :func:`read_people_csv`)."""
    header = next(reader, None)
    if not header:
        raise InputError(Text("fichier CSV vide", "empty CSV file"), source=source, line=1)
    normalised = [h.strip().lower().lstrip("\ufeff") for h in header]
    position: dict[str, int] = {}
    for canonical, spellings in COLUMNS.items():
        for spelling in spellings:
            if spelling in normalised:
                position[canonical] = normalised.index(spelling)
                break
    errors: list[InputError] = []
    if target is not None:
        for fact, options in needed_columns(target, registry).items():
            if not any(o in position for o in options):
                wanted = " ou ".join(COLUMNS.get(o, (o,))[0] for o in options)
                wanted_en = " or ".join(COLUMNS.get(o, (o, o))[1] for o in options)
                errors.append(
                    InputError(
                        Text(f"colonne manquante pour « {fact} »", f"missing column for '{fact}'"),
                        source=source,
                        line=1,
                        found=header,
                        expected=Text(wanted, wanted_en),
                    )
                )
        if "lon" in position and "lat" not in position:
            errors.append(
                InputError(
                    Text("colonne latitude manquante", "missing latitude column"),
                    source=source,
                    line=1,
                    expected=Text("latitude", "lat"),
                )
            )
    if "id" not in position:
        errors.append(
            InputError(
                Text("colonne d'identifiant manquante", "missing identifier column"),
                source=source,
                line=1,
                found=header,
                expected=Text("id", "id"),
            )
        )
    if errors:
        raise ValidationError(errors, source=source)
    known_barriers = (
        frozenset(registry_barriers)
        if registry_barriers is not None
        else frozenset((registry or RuleRegistry.core()).barrier_kinds)
    )
    people = PersonTableBuilder()
    lines = array.array("q")
    bad: list[RowError] = []
    line_no = 1
    pending = 0
    for row in reader:
        line_no = reader.line_num
        pending += 1
        if progress is not None and pending >= 1000:
            progress(pending)
            pending = 0
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            ident = row[position["id"]] if position["id"] < len(row) else None
            bad.append(
                RowError(
                    line_no,
                    ident,
                    InputError(
                        Text("nombre de colonnes incorrect", "wrong number of columns"),
                        source=source,
                        line=line_no,
                        found=len(row),
                        expected=Text(str(len(header)), str(len(header))),
                    ),
                )
            )
            continue

        reading = _RowReader(
            row,
            line_no,
            header=header,
            position=position,
            source=source,
            known_barriers=known_barriers,
        )
        facts = reading.read()
        if facts is None:
            bad.append(RowError(line_no, reading.cell("id") or None, reading.error()))
            continue
        people.add(facts)
        lines.append(line_no)
    if progress is not None and pending:
        progress(pending)
    return PeopleFile(people.build(), lines, tuple(bad), source)


_FIELD: Final = {"lon": "location"}


class _RowReader:
    """Turns one CSV row into :class:`PersonFacts`, collecting every problem of the row."""

    def __init__(
        self,
        row: list[str],
        line: int,
        *,
        header: list[str],
        position: Mapping[str, int],
        source: str,
        known_barriers: frozenset[str],
    ) -> None:
        self.row = row
        self.line = line
        self.header = header
        self.position = position
        self.source = source
        self.known_barriers = known_barriers
        self.problems: list[InputError] = []
        self.fields: dict[str, Any] = {}

    def cell(self, name: str) -> str:
        """Return the stripped cell of the canonical column ``name`` ("" when absent)."""
        return self.row[self.position[name]].strip() if name in self.position else ""

    def attempt(self, name: str, build: Callable[[], object]) -> None:
        """Store ``build()`` as the field for column ``name``, or record its error on the row."""
        try:
            value = build()
        except InputError as exc:
            key = self.header[self.position[name]] if name in self.position else name
            located = exc.located(self.source)
            self.problems.append(
                InputError(
                    located.problem,
                    source=self.source,
                    line=self.line,
                    key=key,
                    found=exc.found,
                    expected=exc.expected,
                )
                if exc.has_found
                else InputError(
                    located.problem,
                    source=self.source,
                    line=self.line,
                    key=key,
                    expected=exc.expected,
                )
            )
            return
        self.fields[_FIELD.get(name, name)] = value

    def read(self) -> PersonFacts | None:
        """Return the row's facts, or None when it has problems (see :meth:`error`)."""
        cell = self.cell
        ident = cell("id") or None
        self.fields["id"] = ident
        if not ident:
            self.problems.append(
                InputError(
                    Text("identifiant vide", "empty identifier"),
                    source=self.source,
                    line=self.line,
                    key=self.header[self.position["id"]],
                )
            )
        if cell("birth_date"):
            self.attempt(
                "birth_date",
                lambda: check_birth_date(_parse_cell_date(cell("birth_date"), "birth_date")),
            )
        if cell("commune"):
            self.attempt("commune", lambda: check_insee(cell("commune")))
        if cell("qpv_code"):
            self.attempt("qpv_code", lambda: check_qpv_code(cell("qpv_code")))
        if cell("lon") or cell("lat"):
            self.attempt("lon", self._location)
        if cell("statuses"):
            self.attempt("statuses", lambda: _parse_names(cell("statuses")))
        if cell("structures"):
            self.attempt("structures", lambda: _parse_names(cell("structures")))
        if cell("barriers"):
            self.attempt("barriers", self._barriers)
        if self.problems:
            return None
        return PersonFacts(**self.fields)

    def _location(self) -> Location:
        lon = _parse_float(self.cell("lon"), "lon")
        lat = _parse_float(self.cell("lat"), "lat")
        return Location(lon, lat, self.cell("precision") or None)  # checks the coordinates

    def _barriers(self) -> tuple[Barrier, ...] | None:
        parsed = _parse_barriers(self.cell("barriers"), "barriers")
        known = sorted(self.known_barriers)
        for barrier in parsed or ():
            if barrier.kind not in self.known_barriers:
                raise InputError(
                    Text("type de frein inconnu", "unknown barrier kind"),
                    found=barrier.kind,
                    expected=listing(known),
                )
        return parsed

    def error(self) -> InputError:
        """Return the row's problem (several are joined into one message)."""
        if len(self.problems) == 1:
            return self.problems[0]
        return InputError(
            Text(
                " ; ".join(p.describe("fr") for p in self.problems),
                "; ".join(p.describe("en") for p in self.problems),
            ),
            line=self.line,
        )


__all__ = ["COLUMNS", "PeopleFile", "RowError", "needed_columns", "read_people_csv"]
