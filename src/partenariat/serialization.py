"""All (de)serialisation of partenariat objects: one cattrs converter, TOML and JSON.

File formats never leak into the domain model: the attrs classes know nothing about TOML, and
this module turns plain data into objects (and back) with strict types, so that a wrong type, a
missing key or an unknown key is reported with its key path, the value found and what was expected,
and every problem of a file is reported at once.

Other parts of partenariat (permanences, eligibility rules, follow-up settings) register their own
structure hooks on the same converter through :func:`register_hooks`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import re
import tomllib
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from partenariat.checks import find_check
from partenariat.conventions import Convention, reference_problems
from partenariat.errors import InputError, PartenariatError, ValidationError, did_you_mean, one_of
from partenariat.exporters import Exporter
from partenariat.i18n import Text
from partenariat.organisations import Organisation, PartnerKind
from partenariat.permanences.loading import fill_defaults as fill_permanence_defaults
from partenariat.permanences.loading import permanence_errors, register_permanence_hooks

if typing.TYPE_CHECKING:
    from partenariat.plugins import PluginHost

_MISSING: Any = object()

#: how each primitive type is described to a person in "expected: …"
_EXPECTED: dict[Any, Text] = {
    str: Text("du texte", "text"),
    int: Text("un nombre entier", "an integer"),
    float: Text("un nombre", "a number"),
    bool: Text("true ou false", "true or false"),
    dt.date: Text("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
    dt.time: Text("une heure HH:MM", "a time HH:MM"),
    dt.datetime: Text("une date et heure AAAA-MM-JJTHH:MM", "a date-time YYYY-MM-DDTHH:MM"),
}


def _wrong_type(value: object, expected: Text) -> InputError:
    return InputError(Text("type incorrect", "wrong type"), found=value, expected=expected)


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise _wrong_type(value, _EXPECTED[str])
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(value, _EXPECTED[int])
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong_type(value, _EXPECTED[float])
    return float(value) if isinstance(value, float) else value  # keep 928 an int


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(value, _EXPECTED[bool])
    return value


def _iso_hook(kind: type[dt.date] | type[dt.time], problem: Text) -> Callable[[object, type], Any]:
    """Accept a TOML date/time of type ``kind`` or its ISO 8601 text; refuse anything else."""

    def structure(value: object, _: type) -> Any:
        if isinstance(value, dt.datetime) and kind is not dt.datetime:
            raise _wrong_type(value.isoformat(), _EXPECTED[kind])  # a date-time is not a date
        if isinstance(value, kind):
            return value
        if isinstance(value, str):
            try:
                return kind.fromisoformat(value)
            except ValueError:
                raise InputError(problem, found=value, expected=_EXPECTED[kind]) from None
        raise _wrong_type(value, _EXPECTED[kind])

    return structure


_structure_date = _iso_hook(
    dt.date, Text("date impossible ou mal écrite", "impossible or malformed date")
)
_structure_time = _iso_hook(
    dt.time, Text("heure impossible ou mal écrite", "impossible or malformed time")
)


def _is_homogeneous_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook_factory(
    t: Any, converter: cattrs.Converter
) -> Callable[[Any, Any], tuple[Any, ...]]:
    item_type = typing.get_args(t)[0]

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _wrong_type(value, Text("une liste", "a list"))
        items: list[Any] = []
        errors: list[Exception] = []
        for i, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring {item_type} @ index {i}", i, item_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t}", errors, t)
        return tuple(items)

    return structure


def _enum_hook_factory(t: type[enum.Enum], _: cattrs.Converter) -> Callable[[Any, Any], enum.Enum]:
    values = [str(m.value) for m in t]

    def structure(value: Any, _: Any) -> enum.Enum:
        try:
            return t(value)
        except ValueError:
            raise InputError(
                Text("valeur inconnue", "unknown value"),
                found=value,
                expected=one_of(values),
            ) from None

    return structure


def _mapping_check(value: Any) -> None:
    if not isinstance(value, Mapping):
        raise _wrong_type(value, Text("une table", "a table"))


def _attrs_hook_factory(t: type[Any], converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = make_dict_structure_fn(t, converter, _cattrs_forbid_extra_keys=True)

    def structure(value: Any, cl: Any) -> Any:
        _mapping_check(value)
        return inner(value, cl)

    return structure


def _annotated_check(t: Any) -> bool:
    return typing.get_origin(t) is typing.Annotated and find_check(t.__metadata__) is not None


def _annotated_hook_factory(t: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    base = typing.get_args(t)[0]
    check = find_check(t.__metadata__)
    assert check is not None

    def structure(value: Any, _: Any) -> Any:
        return check.validate(converter.structure(value, base))

    return structure


def make_converter() -> cattrs.Converter:
    """Build the converter: strict primitive types, unknown keys forbidden, omitted defaults.

    Hooks registered with :func:`register_hooks` are applied to every converter built here.
    """
    converter = cattrs.Converter(
        omit_if_default=True, forbid_extra_keys=True, detailed_validation=True
    )
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_structure_hook(dt.time, _structure_time)
    converter.register_unstructure_hook(dt.date, lambda d: d)
    converter.register_unstructure_hook(dt.time, lambda t: t)
    converter.register_structure_hook_factory(
        _is_homogeneous_tuple, lambda t: _tuple_hook_factory(t, converter)
    )
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum),
        lambda t: _enum_hook_factory(t, converter),
    )
    converter.register_structure_hook_factory(
        attrs.has, lambda t: _attrs_hook_factory(t, converter)
    )
    converter.register_structure_hook_factory(
        _annotated_check, lambda t: _annotated_hook_factory(t, converter)
    )
    converter.register_unstructure_hook_factory(
        attrs.has, lambda t: make_dict_unstructure_fn(t, converter, _cattrs_omit_if_default=True)
    )
    converter.register_unstructure_hook(Organisation, _unstructure_organisation(converter))
    for hook in _EXTRA_HOOKS:
        hook(converter)
    return converter


def _unstructure_organisation(
    converter: cattrs.Converter,
) -> Callable[[Organisation], dict[str, Any]]:
    base = make_dict_unstructure_fn(Organisation, converter, _cattrs_omit_if_default=True)

    def unstructure(org: Organisation) -> dict[str, Any]:
        data = base(org)
        former = data.pop("former_kind", None)
        if former is not None:  # written back as the file said it, e.g. "pole-emploi"
            data["kind"] = former
        return data

    return unstructure


_EXTRA_HOOKS: list[Callable[[cattrs.Converter], None]] = []


def register_hooks(hook: Callable[[cattrs.Converter], None]) -> Callable[[cattrs.Converter], None]:
    """Register a function that adds structure/unstructure hooks to every converter.

    Used by partenariat's own subpackages at import time (a registry of code, not of data); usable
    as a decorator.
    """
    _EXTRA_HOOKS.append(hook)
    return hook


register_hooks(register_permanence_hooks)

#: French key names people naturally write, and the key they stand for (for did-you-mean hints).
FRENCH_KEYS: dict[str, str] = {
    "nom": "name",
    "titre": "title",
    "intitule": "title",
    "intitulé": "title",
    "debut": "start",
    "début": "start",
    "fin": "end",
    "periode": "period",
    "période": "period",
    "partie": "party",
    "type": "kind",
    "signataires": "signatories",
    "signee_le": "signed_on",
    "signée_le": "signed_on",
    "date_signature": "signed_on",
    "renouvellement": "renewal",
    "objectifs": "objectives",
    "ressources": "resources",
    "moyens": "resources",
    "engagements": "commitments",
    "referents": "referents",
    "référents": "referents",
    "indicateurs": "indicator_targets",
    "adresse": "address",
    "commune": "insee",
    "code_insee": "insee",
    "role": "role",
    "rôle": "role",
}


# -- turning cattrs' exception trees into InputErrors -----------------------------------------
def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def _lookup(data: Any, path: str) -> Any:
    """Find the raw value at ``path`` (``a.b[2].c``) in ``data``; ``_MISSING`` if absent."""
    current = data
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        try:
            current = current[int(index)] if index else current[name]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return current


def _expected_for(t: Any) -> Text | None:
    if t in _EXPECTED:
        return _EXPECTED[t]
    args = [a for a in typing.get_args(t) if a is not type(None)]
    if len(args) == 1 and args[0] in _EXPECTED:
        return _EXPECTED[args[0]]
    if attrs.has(t):
        return Text("une table", "a table")
    return None


def iter_input_errors(exc: BaseException, data: Any, path: str = "") -> Iterator[InputError]:
    """Flatten a structuring exception into :class:`InputError` values with key paths.

    ``data`` is the raw input, used to report the value found at each path.
    """
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, IterableValidationNote):
                sub_path = _join(path, note.index)
            else:
                sub_path = _join(path, note.name)
                if isinstance(sub, KeyError) and not isinstance(sub, PartenariatError):
                    yield InputError(
                        Text("clé obligatoire manquante", "missing required key"),
                        key=sub_path,
                        expected=_expected_for(note.type),
                    )
                    continue
                if isinstance(sub, TypeError | ValueError) and not isinstance(
                    sub, PartenariatError
                ):
                    expected = _expected_for(note.type)
                    found = _lookup(data, sub_path)
                    yield InputError(
                        Text("valeur invalide", "invalid value"),
                        key=sub_path,
                        found=found,
                        expected=expected or Text(str(sub), str(sub)),
                    )
                    continue
            yield from iter_input_errors(sub, data, sub_path)
        for sub in without:
            yield from iter_input_errors(sub, data, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        fields = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields):
            french = FRENCH_KEYS.get(key.lower())
            hint = did_you_mean(french if french is not None and french in fields else key, fields)
            yield InputError(
                Text("clé inconnue" + hint.fr, "unknown key" + hint.en),
                key=_join(path, key),
                expected=one_of(fields, feminine=True),
            )
    elif isinstance(exc, ValidationError):
        for error in exc.errors:
            yield _with_found(error.located(prefix=path or None), data)
    elif isinstance(exc, InputError):
        yield _with_found(exc.located(prefix=path or None), data)
    elif isinstance(exc, ValueError) and exc.args and isinstance(exc.args[0], Text):
        yield InputError(exc.args[0], key=path or None, found=_lookup(data, path))
    else:
        yield InputError(Text(str(exc), str(exc)), key=path or None, found=_lookup(data, path))


def _with_found(error: InputError, data: Any) -> InputError:
    if error.has_found or not error.key:
        return error
    found = _lookup(data, error.key)
    if found is _MISSING or isinstance(found, Mapping | list):
        return error
    return InputError(
        error.problem,
        source=error.source,
        key=error.key,
        found=found,
        expected=error.expected,
        line=error.line,
        column=error.column,
    )


def default_converter() -> cattrs.Converter:
    """Return the shared converter, built once (per set of registered hooks) and then reused.

    Building a converter generates code for every class; loading many files must not pay that cost
    each time. The converter holds configuration only, no data, so sharing it is safe.
    """
    return _cached_converter(len(_EXTRA_HOOKS))


@functools.cache
def _cached_converter(_hook_count: int) -> cattrs.Converter:
    return make_converter()


def structure(
    data: Any,
    cls: type[Any],
    *,
    source: str | Path | None = None,
    converter: cattrs.Converter | None = None,
) -> Any:
    """Structure plain ``data`` into ``cls``, raising :class:`ValidationError` with every problem."""
    conv = converter or default_converter()
    try:
        return conv.structure(data, cls)
    except (
        ClassValidationError,
        IterableValidationError,
        ForbiddenExtraKeysError,
        InputError,
        ValidationError,
    ) as exc:
        raise ValidationError(list(iter_input_errors(exc, data)), source=source) from None


# -- conventions ------------------------------------------------------------------------------
def convention_from_dict(
    data: Mapping[str, Any], *, source: str | Path | None = None, host: PluginHost | None = None
) -> Convention:
    """Build a convention from plain data and validate it against the registered plugins.

    The same host provides the partner kinds and the rule types, statuses and barrier kinds that
    ``[target_public]`` may name.
    """
    from partenariat.eligibility.rules import RuleRegistry
    from partenariat.eligibility.serialization import using_registry

    host = _host_or_default(host)
    data = fill_permanence_defaults(data)
    try:
        with using_registry(RuleRegistry.from_host(host)):
            convention: Convention = structure(dict(data), Convention, source=source)
    except ValidationError as exc:
        # The convention could not be built: still report the references that are wrong, so that a
        # user fixes the whole file in one go.
        seen = {(e.key, e.problem) for e in exc.errors}
        kinds = host.partner_kinds()
        kind_errors, _ = _kind_problems(
            [p.get("kind") if isinstance(p, dict) else None for p in _raw_items(data, "parties")],
            None,
            kinds,
        )
        extra = [
            e
            for e in [*_raw_reference_problems(data), *kind_errors]
            if (e.key, e.problem) not in seen
        ]
        raise ValidationError([*exc.errors, *extra], source=source) from None
    return validate_convention(convention, host=host, source=source)


def _raw_items(data: Mapping[str, Any], section: str) -> list[Any]:
    items = data.get(section)
    return items if isinstance(items, list) else []


def _raw_reference_problems(data: Mapping[str, Any]) -> list[InputError]:
    def values(section: str, key: str) -> list[object]:
        return [
            item.get(key) if isinstance(item, dict) else None for item in _raw_items(data, section)
        ]

    return list(
        reference_problems(
            values("parties", "id"),
            {
                "signatories": ("party", values("signatories", "party")),
                "resources": ("provided_by", values("resources", "provided_by")),
                "commitments": ("party", values("commitments", "party")),
                "referents": ("party", values("referents", "party")),
                "permanences": ("partner", values("permanences", "partner")),
            },
        )
    )


def _kind_problems(
    kinds_written: Sequence[object], reference_day: dt.date | None, kinds: Mapping[str, PartnerKind]
) -> tuple[list[InputError], dict[int, tuple[str, str]]]:
    """Check each party's kind; return the errors and, by party index, ``(current, former)`` renames."""
    former: dict[str, tuple[PartnerKind, dt.date]] = {
        f.name: (k, f.until) for k in kinds.values() for f in k.former_names
    }
    errors: list[InputError] = []
    renames: dict[int, tuple[str, str]] = {}
    known = sorted(kinds)
    for i, kind in enumerate(kinds_written):
        if not isinstance(kind, str):
            continue
        if kind in former:
            current, until = former[kind]
            renames[i] = (current.name, kind)
            if reference_day is not None and reference_day > until:
                errors.append(
                    InputError(
                        Text(
                            f"« {kind} » ne s'emploie plus après le {until:%d/%m/%Y}",
                            f"'{kind}' is no longer used after {until.isoformat()}",
                        ),
                        key=f"parties[{i}].kind",
                        found=kind,
                        expected=Text(
                            f"« {current.name} » pour une convention signée depuis",
                            f"'{current.name}' for a convention signed since",
                        ),
                    )
                )
        elif kind not in kinds:
            hint = did_you_mean(kind, [*known, *former])
            errors.append(
                InputError(
                    Text(
                        "type d'organisation inconnu" + hint.fr,
                        "unknown organisation kind" + hint.en,
                    ),
                    key=f"parties[{i}].kind",
                    found=kind,
                    expected=one_of(known),
                )
            )
    return errors, renames


def _host_or_default(host: PluginHost | None) -> PluginHost:
    if host is not None:
        return host
    from partenariat.plugins import make_plugin_host

    return make_plugin_host()


def validate_convention(
    convention: Convention, *, host: PluginHost | None = None, source: str | Path | None = None
) -> Convention:
    """Check what depends on plugins (partner kinds, former names) and return the normalised convention.

    Former kind names are replaced by the current one (``pole-emploi`` → ``france-travail``) when the
    convention was signed while the former name was in force; the name as written is kept in
    :attr:`Organisation.former_kind`.
    """
    kinds = _host_or_default(host).partner_kinds()
    written = [p.former_kind or p.kind for p in convention.parties]
    errors, renames = _kind_problems(
        written, convention.signed_on or convention.period.start, kinds
    )
    parties = tuple(
        attrs.evolve(p, kind=renames[i][0], former_kind=renames[i][1]) if i in renames else p
        for i, p in enumerate(convention.parties)
    )
    if not errors:
        hosts = [p for p in parties if kinds[p.kind].can_host]
        chosen = next((p for p in parties if p.id == convention.host), None)
        if chosen is not None and not kinds[chosen.kind].can_host:
            errors.append(
                InputError(
                    Text(
                        "cette partie ne peut pas accueillir la convention",
                        "this party cannot host the convention",
                    ),
                    key="host",
                    found=convention.host,
                    expected=Text("un CCAS ou une commune", "a CCAS or a commune"),
                )
            )
        elif convention.host is None and len(hosts) != 1:
            errors.append(
                InputError(
                    Text(
                        "il faut exactement une partie hôte (CCAS ou commune)",
                        "exactly one host party (CCAS or commune) is required",
                    ),
                    key="parties",
                    found=", ".join(p.id for p in hosts) or "—",
                    expected=Text(
                        "une seule, ou la clé « host » pour la désigner",
                        "exactly one, or the 'host' key to name it",
                    ),
                )
            )
    errors += permanence_errors(convention)
    if errors:
        raise ValidationError(errors, source=source)
    return attrs.evolve(convention, parties=parties)


def _position(message: str) -> tuple[int | None, int | None]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match[1]), int(match[2])) if match else (None, None)


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning every I/O, encoding and syntax problem into an :class:`InputError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            Text("fichier introuvable", "file not found"),
            source=path,
            expected=Text("un fichier TOML existant", "an existing TOML file"),
        ) from None
    except IsADirectoryError:
        raise InputError(
            Text("c'est un dossier, pas un fichier", "this is a folder, not a file"), source=path
        ) from None
    except OSError as exc:
        raise InputError(
            Text(f"lecture impossible : {exc.strerror}", f"cannot read: {exc.strerror}"),
            source=path,
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            Text("le fichier n'est pas encodé en UTF-8", "the file is not UTF-8 encoded"),
            source=path,
            line=line,
            column=column,
            found=raw[exc.start : exc.start + 1],
            expected=Text(
                "du texte UTF-8 (réenregistrez le fichier en UTF-8)",
                "UTF-8 text (save the file as UTF-8)",
            ),
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        toml_line, toml_column = _position(message)
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise InputError(
            Text(f"TOML invalide : {detail}", f"invalid TOML: {detail}"),
            source=path,
            line=toml_line,
            column=toml_column,
        ) from None


def load_convention(path: str | Path, *, host: PluginHost | None = None) -> Convention:
    """Load a convention file, reporting every problem at once.

    :raises InputError: the file cannot be read or is not valid TOML (with line and column).
    :raises ValidationError: the content is invalid; each error names the key path, the value
        found and what was expected.
    """
    data = read_toml(path)
    return convention_from_dict(data, source=str(path), host=host)


def convention_to_dict(convention: Convention) -> dict[str, Any]:
    """Return the convention as plain data (defaults omitted), ready for TOML or JSON."""
    data: dict[str, Any] = default_converter().unstructure(convention)
    return data


def dump_toml(convention: Convention) -> str:
    """Return the convention as TOML text; loading it gives back an equal convention."""
    import tomli_w

    return tomli_w.dumps(convention_to_dict(convention), multiline_strings=True)


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(convention: Convention) -> str:
    """Return the convention as JSON (dates in ISO 8601)."""
    return json.dumps(
        convention_to_dict(convention), ensure_ascii=False, indent=2, default=_json_default
    )


def convention_exporters() -> list[Exporter]:
    """Return the built-in convention exporters (TOML and JSON)."""
    return [
        Exporter(
            "convention",
            "toml",
            Text("convention au format TOML (rechargeable)", "convention as TOML (loadable again)"),
            "application/toml",
            "toml",
            lambda c, _ctx: dump_toml(c).encode("utf-8"),
        ),
        Exporter(
            "convention",
            "json",
            Text("convention au format JSON", "convention as JSON"),
            "application/json",
            "json",
            lambda c, _ctx: dump_json(c).encode("utf-8"),
        ),
    ]


__all__ = [
    "convention_exporters",
    "convention_from_dict",
    "convention_to_dict",
    "default_converter",
    "dump_json",
    "dump_toml",
    "iter_input_errors",
    "load_convention",
    "make_converter",
    "read_toml",
    "register_hooks",
    "structure",
    "validate_convention",
]


# -- eligibility ------------------------------------------------------------------------------
# Registers the converter hooks of the convention's [target_public] section.
import partenariat.eligibility.serialization  # noqa: E402, F401
