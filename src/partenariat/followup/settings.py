"""A convention's follow-up settings: its ``[followup]`` and ``[[coordinated_followups]]`` sections.

Example (TOML)::

    [followup]
    referral_expiry_days = 30
    positive_categories = ["emploi-durable", "formation-qualifiante"]
    lifecycle = "defaut"

    [[coordinated_followups]]
    id = "residence-sociale"
    public = "résidents de la Résidence Sociale"
    social_worker = "travailleur social du CCAS"
    employment_counsellor = "conseiller France Travail dédié"
    appointments_per_week = 2
    intensive_programme = true
    job_seeker_registration = true
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from partenariat.errors import InputError, ValidationError
from partenariat.i18n import Text
from partenariat.organisations import is_slug

DEFAULT_POSITIVE = ("emploi-durable", "formation-qualifiante")


def _positive(_: object, __: attrs.Attribute[int], value: int) -> None:
    if value <= 0:
        raise ValueError(Text("doit être un entier positif", "must be a positive integer"))


@attrs.frozen
class FollowupSettings:
    """How follow-up works under a convention.

    :param referral_expiry_days: days the partner has to answer a referral before it expires.
    :param positive_categories: outcome categories counted as positive exits.
    :param lifecycle: the name of the lifecycle files follow.
    :param taxonomy: the name of the outcome taxonomy.
    :param no_contact_days: days without contact before a file is flagged.
    """

    referral_expiry_days: int = attrs.field(default=30, validator=_positive)
    positive_categories: tuple[str, ...] = attrs.field(default=DEFAULT_POSITIVE, converter=tuple)
    lifecycle: str = "defaut"
    taxonomy: str = "defaut"
    no_contact_days: int = attrs.field(default=60, validator=_positive)


@attrs.frozen
class CoordinatedFollowup:
    """A coordinated follow-up: a social worker paired with a dedicated employment counsellor.

    :param id: identifier within the convention.
    :param public: who it is for.
    :param social_worker: the social worker's role (a role, never a name).
    :param employment_counsellor: the dedicated counsellor's role.
    :param appointments_per_week: how many appointments a week the programme plans.
    :param intensive_programme: whether it is an intensive programme towards a job.
    :param job_seeker_registration: whether people can register as job-seekers through it.
    """

    id: str
    public: str
    social_worker: str
    employment_counsellor: str
    appointments_per_week: int = attrs.field(default=1, validator=_positive)
    intensive_programme: bool = False
    job_seeker_registration: bool = False


@attrs.frozen
class ConventionTerms:
    """What the journal needs to know of a convention when it opens a file.

    :param convention: the convention's id.
    :param partner: the id of the partner the person is referred to.
    :param start: first day of the convention period.
    :param end: last day of the period (``None`` when open-ended).
    :param followup: the convention's follow-up settings.
    """

    convention: str
    partner: str
    start: date
    end: date | None = None
    followup: FollowupSettings = attrs.Factory(FollowupSettings)

    def covers(self, day: date) -> bool:
        """Whether ``day`` is within the convention period."""
        return self.start <= day and (self.end is None or day <= self.end)

    def period_text(self) -> Text:
        """The period in words, for error messages."""
        if self.end is None:
            return Text(f"à partir du {self.start:%d/%m/%Y}", f"from {self.start.isoformat()}")
        return Text(
            f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}",
            f"from {self.start.isoformat()} to {self.end.isoformat()}",
        )


_FOLLOWUP_KEYS: dict[str, type] = {
    "referral_expiry_days": int,
    "positive_categories": list,
    "lifecycle": str,
    "taxonomy": str,
    "no_contact_days": int,
}


def _type_name(t: type) -> Text:
    return {
        int: Text("un entier", "an integer"),
        list: Text("une liste", "a list"),
        str: Text("un texte", "a string"),
        bool: Text("vrai ou faux", "true or false"),
    }[t]


def _check_types(
    raw: Mapping[str, Any], spec: Mapping[str, type], prefix: str, errors: list[InputError]
) -> dict[str, Any]:
    good: dict[str, Any] = {}
    for key, value in raw.items():
        expected = spec.get(key)
        if expected is None:
            errors.append(
                InputError(
                    Text("clé inconnue", "unknown key"),
                    key=f"{prefix}.{key}",
                    expected=Text(", ".join(spec), ", ".join(spec)),
                )
            )
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            errors.append(
                InputError(
                    Text("type invalide", "wrong type"),
                    key=f"{prefix}.{key}",
                    found=value,
                    expected=_type_name(expected),
                )
            )
        else:
            good[key] = value
    return good


def followup_from_mapping(
    raw: Mapping[str, Any],
    *,
    key: str = "followup",
    known_categories: tuple[str, ...] | None = None,
) -> tuple[FollowupSettings | None, list[InputError]]:
    """Structure a ``[followup]`` table, returning the settings and every problem found."""
    errors: list[InputError] = []
    good = _check_types(raw, _FOLLOWUP_KEYS, key, errors)
    for name in ("referral_expiry_days", "no_contact_days"):
        if name in good and good[name] <= 0:
            errors.append(
                InputError(
                    Text("doit être un entier positif", "must be a positive integer"),
                    key=f"{key}.{name}",
                    found=good.pop(name),
                    expected=Text("un entier > 0", "an integer > 0"),
                )
            )
    for name in ("lifecycle", "taxonomy"):
        if name in good and not is_slug(good[name]):
            errors.append(
                InputError(
                    Text("nom invalide", "invalid name"),
                    key=f"{key}.{name}",
                    found=good.pop(name),
                    expected=Text("minuscules, chiffres et tirets", "lowercase, digits and dashes"),
                )
            )
    if "positive_categories" in good:
        cats = good["positive_categories"]
        for i, cat in enumerate(cats):
            if not isinstance(cat, str) or (
                known_categories is not None and cat not in known_categories
            ):
                errors.append(
                    InputError(
                        Text("catégorie de sortie inconnue", "unknown outcome category"),
                        key=f"{key}.positive_categories[{i}]",
                        found=cat,
                        expected=Text(
                            ", ".join(known_categories or ()), ", ".join(known_categories or ())
                        ),
                    )
                )
    if errors:
        return None, errors
    return FollowupSettings(**good), []


_COORDINATED_KEYS: dict[str, type] = {
    "id": str,
    "public": str,
    "social_worker": str,
    "employment_counsellor": str,
    "appointments_per_week": int,
    "intensive_programme": bool,
    "job_seeker_registration": bool,
}


def coordinated_from_list(
    raw: list[Any], *, key: str = "coordinated_followups"
) -> tuple[tuple[CoordinatedFollowup, ...], list[InputError]]:
    """Structure the ``[[coordinated_followups]]`` tables, returning them and every problem."""
    errors: list[InputError] = []
    items: list[CoordinatedFollowup] = []
    for i, entry in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(entry, Mapping):
            errors.append(
                InputError(Text("table attendue", "table expected"), key=where, found=entry)
            )
            continue
        local: list[InputError] = []
        good = _check_types(entry, _COORDINATED_KEYS, where, local)
        for required in ("id", "public", "social_worker", "employment_counsellor"):
            if required not in entry:
                local.append(
                    InputError(
                        Text("clé obligatoire manquante", "missing key"), key=f"{where}.{required}"
                    )
                )
        if "appointments_per_week" in good and good["appointments_per_week"] <= 0:
            local.append(
                InputError(
                    Text("doit être un entier positif", "must be a positive integer"),
                    key=f"{where}.appointments_per_week",
                    found=good["appointments_per_week"],
                )
            )
        if local:
            errors.extend(local)
            continue
        items.append(CoordinatedFollowup(**good))
    return tuple(items), errors


def load_followup_section(
    document: Mapping[str, Any], *, source: str | None = None
) -> tuple[FollowupSettings, tuple[CoordinatedFollowup, ...]]:
    """Read the follow-up sections of a parsed convention document (defaults when absent).

    Raises :class:`ValidationError` with every problem found.
    """
    errors: list[InputError] = []
    settings = FollowupSettings()
    raw = document.get("followup")
    if raw is not None:
        if not isinstance(raw, Mapping):
            errors.append(
                InputError(Text("table attendue", "table expected"), key="followup", found=raw)
            )
        else:
            parsed, problems = followup_from_mapping(raw)
            errors.extend(problems)
            settings = parsed or settings
    coordinated: tuple[CoordinatedFollowup, ...] = ()
    raw_list = document.get("coordinated_followups")
    if raw_list is not None:
        if not isinstance(raw_list, list):
            errors.append(
                InputError(
                    Text("liste de tables attendue", "array of tables expected"),
                    key="coordinated_followups",
                )
            )
        else:
            coordinated, problems = coordinated_from_list(raw_list)
            errors.extend(problems)
    if errors:
        raise ValidationError(errors, source=source)
    return settings, coordinated
