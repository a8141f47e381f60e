"""The connector contract: what a plugin registers, its settings, its errors."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from partenariat.errors import PartenariatError
from partenariat.i18n import Text
from partenariat.organisations import is_slug


@attrs.frozen(repr=False)
class Secret:
    """A credential: its value is never in a ``repr``, a ``str`` or a log line."""

    value: str

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@attrs.frozen
class ConnectorSettings:
    """A connector's settings: a base URL, plain options and secrets.

    Read them with :meth:`from_env` (``PARTENARIAT_<NAME>_URL``, ``…_TOKEN``…) or :meth:`from_file`
    (a TOML table per connector). Secrets are :class:`Secret` values, so printing the settings
    never shows a credential.
    """

    base_url: str
    options: Mapping[str, str] = attrs.field(factory=dict)
    secrets: Mapping[str, Secret] = attrs.field(factory=dict)
    timeout: float = 10.0

    def secret(self, name: str) -> str | None:
        """Return the secret ``name``'s value, or ``None`` when it is not set."""
        found = self.secrets.get(name)
        return None if found is None else found.value

    @classmethod
    def from_env(
        cls,
        name: str,
        *,
        default_url: str,
        secrets: tuple[str, ...] = (),
        options: tuple[str, ...] = (),
        environ: Mapping[str, str] | None = None,
    ) -> ConnectorSettings:
        """Read ``PARTENARIAT_<NAME>_URL``, ``…_TIMEOUT``, and each secret and option by name.

        ``name`` is the connector's name (``ban`` → ``PARTENARIAT_BAN_URL``; dashes become
        underscores); ``environ`` defaults to the process environment.
        """
        env = os.environ if environ is None else environ
        prefix = "PARTENARIAT_" + name.upper().replace("-", "_") + "_"
        found_secrets = {
            s: Secret(env[prefix + s.upper()]) for s in secrets if env.get(prefix + s.upper())
        }
        found_options = {o: env[prefix + o.upper()] for o in options if env.get(prefix + o.upper())}
        timeout = float(env.get(prefix + "TIMEOUT", "10"))
        return cls(env.get(prefix + "URL", default_url), found_options, found_secrets, timeout)

    @classmethod
    def from_file(
        cls, path: Path, name: str, *, default_url: str, secrets: tuple[str, ...] = ()
    ) -> ConnectorSettings:
        """Read the table ``[connectors.<name>]`` of a TOML file (``url``, ``timeout``, the rest).

        Keys listed in ``secrets`` become :class:`Secret` values; every other key is an option.
        """
        with path.open("rb") as f:
            data: dict[str, Any] = tomllib.load(f).get("connectors", {}).get(name, {})
        url = str(data.pop("url", default_url))
        timeout = float(data.pop("timeout", 10.0))
        found_secrets = {k: Secret(str(data.pop(k))) for k in secrets if k in data}
        return cls(url, {k: str(v) for k, v in data.items()}, found_secrets, timeout)


class ConnectorError(PartenariatError):
    """A call to an outside service failed; the message names the service and what to check.

    :param service: the service's name (``Base Adresse Nationale``).
    :param problem: what happened.
    :param check: what the agent or the administrator should check.
    :param status: the HTTP status, when there was one.
    """

    def __init__(
        self, service: str, problem: Text, check: Text, *, status: int | None = None
    ) -> None:
        self.service = service
        self.problem = problem
        self.check = check
        self.status = status
        super().__init__(
            Text(
                f"{service} : {problem.fr} — à vérifier : {check.fr}",
                f"{service}: {problem.en} — check: {check.en}",
            )
        )


def _slug(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not is_slug(value):
        raise ValueError(f"{attribute.name} must be a lowercase slug, got {value!r}")


@attrs.frozen
class Connector:
    """A connector a plugin registers through ``partenariat_connectors``.

    :param name: identifier (``ban``, ``data-inclusion``, ``france-travail-agences``).
    :param service: the outside service's name, as errors say it.
    :param kind: what it does (``geocoder``, ``structures``, ``agencies``).
    :param label: what people read.
    :param make: ``make(settings) -> client``; builds the client (no I/O until it is used).
    :param settings: ``settings(environ) -> ConnectorSettings``; where its settings come from.
    """

    name: str = attrs.field(validator=_slug)
    service: str
    kind: str
    label: Text
    make: Callable[[ConnectorSettings], Any] = attrs.field(eq=False, repr=False)
    settings: Callable[[Mapping[str, str] | None], ConnectorSettings] = attrs.field(
        eq=False, repr=False
    )

    def client(self, environ: Mapping[str, str] | None = None) -> Any:
        """Build the client with the settings read from ``environ`` (the process's by default)."""
        return self.make(self.settings(environ))
