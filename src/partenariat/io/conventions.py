"""Convention files: load TOML (or plain data from JSON) into a validated :class:`Convention`, and back.

Loading checks everything: the types and keys (every problem at once, each with its key path), the
references between sections, the partner kinds and rule names of the :class:`~partenariat.io.Registry`
the file is read against, and the permanences (every rule is expanded once).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from partenariat.conventions import Convention, reference_problems
from partenariat.errors import InputError, ValidationError, did_you_mean, one_of
from partenariat.followup.settings import FollowupSettings
from partenariat.i18n import Text
from partenariat.io.converter import structure
from partenariat.io.permanences import fill_defaults as fill_permanence_defaults
from partenariat.io.registry import Registry, core_registry
from partenariat.io.text import read_toml
from partenariat.organisations import Organisation, PartnerKind
from partenariat.permanences.bounds import permanence_errors


def convention_from_dict(
    data: Mapping[str, Any],
    *,
    source: str | Path | None = None,
    registry: Registry | None = None,
) -> Convention:
    """Build a convention from plain data and validate it against ``registry``.

    The registry (default: the core names, :func:`~partenariat.io.core_registry`) provides the
    partner kinds and the rule types, statuses and barrier kinds that ``[target_public]`` may name.
    """
    registry = registry or core_registry()
    data = fill_permanence_defaults(data)
    try:
        convention: Convention = structure(
            dict(data), Convention, converter=registry.converter, source=source
        )
    except ValidationError as exc:
        # The convention could not be built: still report the references that are wrong, so that a
        # user fixes the whole file in one go.
        seen = {(e.key, e.problem) for e in exc.errors}
        kinds = registry.partner_kinds
        kind_errors, _ = _kind_problems(
            [p.get("kind") if isinstance(p, dict) else None for p in _raw_items(data, "parties")],
            None,
            kinds,
            registry.plugins,
        )
        extra = [
            e
            for e in [*_raw_reference_problems(data), *kind_errors]
            if (e.key, e.problem) not in seen
        ]
        errors = [_with_plugins(e, registry) for e in exc.errors]
        raise ValidationError([*errors, *extra], source=source) from None
    return validate_convention(convention, registry=registry, source=source)


def _with_plugins(error: InputError, registry: Registry) -> InputError:
    """Add the installed plugins to an unknown rule type (``type = "cej"`` without its plugin)."""
    if not (
        error.key is not None
        and (error.key == "type" or error.key.endswith(".type"))
        and isinstance(error.found, str)
        and error.found not in registry.rules.predicates
        and error.key.startswith("target_public")
    ):
        return error
    installed = ", ".join(registry.plugins)
    return InputError(
        Text(
            f"{error.problem.fr} ; aucune extension installée ne le fournit "
            f"(extensions installées : {installed or 'aucune'})",
            f"{error.problem.en}; no installed plugin provides it "
            f"(installed plugins: {installed or 'none'})",
        ),
        source=error.source,
        key=error.key,
        found=error.found,
        expected=error.expected,
        line=error.line,
        column=error.column,
    )


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
    kinds_written: Sequence[object],
    reference_day: dt.date | None,
    kinds: Mapping[str, PartnerKind],
    plugins: Sequence[str] = (),
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
            errors.append(_unknown_kind(kind, i, known, [*known, *former], plugins))
    return errors, renames


def _unknown_kind(
    kind: str, index: int, known: Sequence[str], names: Sequence[str], plugins: Sequence[str]
) -> InputError:
    """Return the error for a party kind no installed plugin provides, naming those installed."""
    hint = did_you_mean(kind, names)
    installed, installed_en = ", ".join(plugins) or "aucune", ", ".join(plugins) or "none"
    return InputError(
        Text(
            f"type d'organisation « {kind} » inconnu : aucune extension installée ne le fournit "
            f"(extensions installées : {installed}){hint.fr}",
            f"unknown organisation kind '{kind}': no installed plugin provides it "
            f"(installed plugins: {installed_en}){hint.en}",
        ),
        key=f"parties[{index}].kind",
        found=kind,
        expected=one_of(known),
    )


def _kind_default(
    convention: Convention,
    parties: Sequence[Organisation],
    kinds: Mapping[str, PartnerKind],
    what: str,
) -> tuple[list[InputError], str | None]:
    """Return the ``[followup]`` ``what`` (``lifecycle`` or ``taxonomy``) the partner kinds propose.

    A value written in the file wins (``None`` is returned: nothing to fill in). Otherwise the
    parties' kinds that name one decide: none, the core's; one (however many parties have it), that
    one; several, the file must choose (the error names each kind's proposal).
    """
    if getattr(convention.followup, what) is not None:
        return [], None
    attribute = "lifecycle" if what == "lifecycle" else "outcome_taxonomy"
    proposed: dict[str, str] = {}
    for p in parties:
        name = getattr(kinds[p.kind], attribute) if p.kind in kinds else None
        if name is not None:
            proposed.setdefault(name, p.kind)
    if len(proposed) <= 1:
        return [], next(iter(proposed), None)
    listing = ", ".join(f"{kind} : {name}" for name, kind in sorted(proposed.items()))
    listing_en = ", ".join(f"{kind}: {name}" for name, kind in sorted(proposed.items()))
    fr, en = _PROPOSALS[what]
    return [
        InputError(
            Text(
                f"les types des partenaires proposent des {fr} différents ({listing}) : "
                "choisir celui du suivi",
                f"the partners' kinds propose different {en} ({listing_en}): choose the one "
                "files follow",
            ),
            key=f"followup.{what}",
            expected=one_of(sorted(proposed)),
        )
    ], None


_PROPOSALS = {
    "lifecycle": ("cycles de vie", "lifecycles"),
    "taxonomy": ("nomenclatures de sortie", "outcome taxonomies"),
}


def _taxonomy_problems(
    followup: FollowupSettings, registry: Registry, from_kind: bool
) -> list[InputError]:
    """Return the errors of a taxonomy no plugin registers, or of positive categories it lacks."""
    name = followup.taxonomy_name
    taxonomy = registry.outcome_taxonomies.get(name)
    if taxonomy is None:
        installed = ", ".join(registry.plugins) or "aucune"
        installed_en = ", ".join(registry.plugins) or "none"
        hint = did_you_mean(name, sorted(registry.outcome_taxonomies))
        return [
            InputError(
                Text(
                    f"nomenclature de sortie « {name} » inconnue : aucune extension installée ne "
                    f"la fournit (extensions installées : {installed}){hint.fr}",
                    f"unknown outcome taxonomy '{name}': no installed plugin provides it "
                    f"(installed plugins: {installed_en}){hint.en}",
                ),
                key="followup.taxonomy",
                found=name,
                expected=one_of(sorted(registry.outcome_taxonomies)),
            )
        ]
    origin = (
        Text(f" (nomenclature « {name} » du type du partenaire)", f" (partner kind's '{name}')")
        if from_kind
        else Text(f" (nomenclature « {name} »)", f" (taxonomy '{name}')")
    )
    return list(followup.problems(categories=taxonomy.category_codes(), origin=origin))


def validate_convention(
    convention: Convention,
    *,
    registry: Registry | None = None,
    source: str | Path | None = None,
) -> Convention:
    """Check what depends on plugins (partner kinds, former names) and return the normalised convention.

    Each party's kind must be one the registry knows (the core's, or one a partner plugin adds):
    otherwise the error, at ``parties[i].kind``, names the kind and the plugins installed.
    Former kind names are replaced by the current one (``pole-emploi`` → ``france-travail``) when the
    convention was signed while the former name was in force; the name as written is kept in
    :attr:`Organisation.former_kind`.

    A ``[followup]`` that names no ``lifecycle`` (or no ``taxonomy``) takes the one of the
    partner's kind, when the kind names one (``mission-locale`` with the
    ``partenariat-mission-locale`` plugin); a value written in the file always wins. When the
    partners' kinds propose different ones, the file must choose (error at ``followup.lifecycle``
    or ``followup.taxonomy``). The taxonomy must be one the registry knows, and each of
    ``positive_categories`` one of its categories (errors at ``followup.taxonomy`` and
    ``followup.positive_categories[i]``): a category no exit can have would count nothing, silently.
    """
    registry = registry or core_registry()
    kinds = registry.partner_kinds
    written = [p.former_kind or p.kind for p in convention.parties]
    errors, renames = _kind_problems(
        written,
        convention.signed_on or convention.period.start,
        kinds,
        registry.plugins,
    )
    parties = tuple(
        attrs.evolve(p, kind=renames[i][0], former_kind=renames[i][1]) if i in renames else p
        for i, p in enumerate(convention.parties)
    )
    lifecycle_errors, lifecycle = _kind_default(convention, parties, kinds, "lifecycle")
    taxonomy_errors, taxonomy = _kind_default(convention, parties, kinds, "taxonomy")
    errors += lifecycle_errors + taxonomy_errors
    followup = convention.followup
    if lifecycle is not None:
        followup = attrs.evolve(followup, lifecycle=lifecycle)
    if taxonomy is not None:
        followup = attrs.evolve(followup, taxonomy=taxonomy)
    if not taxonomy_errors:
        errors += _taxonomy_problems(followup, registry, from_kind=taxonomy is not None)
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
    errors += permanence_errors(convention.permanences)
    if errors:
        raise ValidationError(errors, source=source)
    return attrs.evolve(convention, parties=parties, followup=followup)


def load_convention(path: str | Path, *, registry: Registry | None = None) -> Convention:
    """Load a convention file, reporting every problem at once.

    :param registry: the names the file may use (default: the core ones); a plugin host gives the
        registry of its plugins, ``host.registry()``.

    :raises InputError: the file cannot be read or is not valid TOML (with line and column).
    :raises ValidationError: the content is invalid; each error names the key path, the value
        found and what was expected.
    """
    data = read_toml(path)
    return convention_from_dict(data, source=str(path), registry=registry)


def convention_to_dict(
    convention: Convention, *, registry: Registry | None = None
) -> dict[str, Any]:
    """Return the convention as plain data (defaults omitted), ready for TOML or JSON."""
    data: dict[str, Any] = (registry or core_registry()).converter.unstructure(convention)
    return data


def dump_toml(convention: Convention) -> str:
    """Return the convention as TOML text; loading it gives back an equal convention."""
    import tomli_w

    data = convention_to_dict(convention)
    # A multi-line TOML string cannot keep a carriage return: readers normalise its line endings.
    # Text holding one is written on one line, with escapes, so that it loads back unchanged.
    return tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))


def _has_carriage_return(node: object) -> bool:
    if isinstance(node, str):
        return "\r" in node
    if isinstance(node, dict):
        return any(_has_carriage_return(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_has_carriage_return(v) for v in node)
    return False


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(convention: Convention) -> str:
    """Return the convention as JSON (dates in ISO 8601)."""
    return json.dumps(
        convention_to_dict(convention), ensure_ascii=False, indent=2, default=_json_default
    )


__all__ = [
    "convention_from_dict",
    "convention_to_dict",
    "dump_json",
    "dump_toml",
    "load_convention",
    "validate_convention",
]
