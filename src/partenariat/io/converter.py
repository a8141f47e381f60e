"""The cattrs converter that turns plain data (from TOML or JSON) into partenariat objects and back.

File formats never leak into the domain model: the attrs classes know nothing about TOML, and the
converter turns plain data into objects (and back) with strict types, so that a wrong type, a
missing key or an unknown key is reported with its key path, the value found and what was expected,
and every problem of a file is reported at once.

One converter is built per registry (:func:`make_converter`): the rule types, statuses and barrier
kinds a ``[target_public]`` may name come from the :class:`~partenariat.eligibility.rules.RuleRegistry`
it is given, and plugins' extensions (hook ``partenariat_converter_hooks``) are passed in too. Nothing
is registered at import time and no context variable carries state into the hooks.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeAlias

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
from partenariat.eligibility.rules import RuleRegistry
from partenariat.errors import InputError, PartenariatError, ValidationError, did_you_mean, one_of
from partenariat.i18n import Text
from partenariat.io.dates import DATE_FORMS, DATETIME_FORMS, TIME_FORMS, parse_date, parse_time
from partenariat.io.eligibility import register_target_public_hooks
from partenariat.io.permanences import register_permanence_hooks
from partenariat.organisations import Organisation

ConverterHook: TypeAlias = Callable[[cattrs.Converter], None]
"""A function that adds structure/unstructure hooks to a converter (hook ``partenariat_converter_hooks``)."""

_MISSING: Any = object()

#: how each primitive type is described to a person in "expected: …"
_EXPECTED: dict[Any, Text] = {
    str: Text("du texte", "text"),
    int: Text("un nombre entier", "an integer"),
    float: Text("un nombre", "a number"),
    bool: Text("true ou false", "true or false"),
    dt.date: DATE_FORMS,
    dt.time: TIME_FORMS,
    dt.datetime: DATETIME_FORMS,
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


def _structure_date(value: object, _: type) -> dt.date:
    return parse_date(value)


def _structure_time(value: object, _: type) -> dt.time:
    return parse_time(value)


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


def make_converter(
    rules: RuleRegistry | None = None, extensions: Iterable[ConverterHook] = ()
) -> cattrs.Converter:
    """Build a converter: strict primitive types, unknown keys forbidden, omitted defaults.

    :param rules: what ``[target_public]`` rules may name (default: the core rule types only).
    :param extensions: functions adding hooks for plugins' own types, applied last.
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
    register_permanence_hooks(converter)
    register_target_public_hooks(converter, rules or RuleRegistry.core())
    for extend in extensions:
        extend(converter)
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


def structure(
    data: Any,
    cls: type[Any],
    *,
    converter: cattrs.Converter,
    source: str | Path | None = None,
) -> Any:
    """Structure plain ``data`` into ``cls``, raising :class:`ValidationError` with every problem."""
    try:
        return converter.structure(data, cls)
    except (
        ClassValidationError,
        IterableValidationError,
        ForbiddenExtraKeysError,
        InputError,
        ValidationError,
    ) as exc:
        raise ValidationError(list(iter_input_errors(exc, data)), source=source) from None


__all__ = [
    "FRENCH_KEYS",
    "ConverterHook",
    "iter_input_errors",
    "make_converter",
    "structure",
]
