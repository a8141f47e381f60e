"""The connector contract: settings from the environment or a file, secrets that never print."""

from __future__ import annotations

from pathlib import Path

import pytest

from partenariat import hookimpl
from partenariat.connectors import Connector, ConnectorError, ConnectorSettings, Secret
from partenariat.i18n import Text
from partenariat.plugins import make_plugin_host


def test_settings_come_from_the_environment_and_hide_the_token() -> None:
    env = {
        "PARTENARIAT_DATA_INCLUSION_URL": "http://127.0.0.1:9",
        "PARTENARIAT_DATA_INCLUSION_TOKEN": "s3cr3t",
    }
    settings = ConnectorSettings.from_env(
        "data-inclusion", default_url="https://api.example", secrets=("token",), environ=env
    )
    assert settings.base_url == "http://127.0.0.1:9"
    assert settings.secret("token") == "s3cr3t"
    assert "s3cr3t" not in repr(settings)
    assert "s3cr3t" not in str(settings)


def test_settings_come_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "partenariat.toml"
    path.write_text(
        '[connectors.ft]\nurl = "http://127.0.0.1:9"\nclient_secret = "s3cr3t"\nrealm = "/partenaire"\n',
        encoding="utf-8",
    )
    settings = ConnectorSettings.from_file(path, "ft", default_url="x", secrets=("client_secret",))
    assert settings.options == {"realm": "/partenaire"}
    assert settings.secret("client_secret") == "s3cr3t"
    assert "s3cr3t" not in repr(settings)


def test_a_secret_never_prints() -> None:
    assert "abc" not in f"{Secret('abc')} {Secret('abc')!r}"


def test_a_connector_error_names_the_service_and_what_to_check() -> None:
    error = ConnectorError(
        "Service X", Text("panne", "down"), Text("le réseau", "the network"), status=503
    )
    assert str(error) == "Service X : panne — à vérifier : le réseau"
    assert error.describe("en") == "Service X: down — check: the network"


def _connector(label: str) -> Connector:
    settings = ConnectorSettings("http://127.0.0.1:9")
    return Connector(
        "geo", "Geo", "geocoder", Text(label, label), lambda s: s, lambda env: settings
    )


class _First:
    @hookimpl
    def partenariat_connectors(self) -> list[Connector]:
        return [_connector("first")]


class _Second:
    @hookimpl
    def partenariat_connectors(self) -> list[Connector]:
        return [_connector("second")]


def test_a_connector_name_registered_twice_names_the_first_plugin() -> None:
    host = make_plugin_host(entry_points=False, plugins=[("one", _First()), ("two", _Second())])
    assert host.connectors()["geo"].label.fr == "first"
    (failure,) = host.failures
    assert failure.name == "two"
    assert "'geo' is already registered by one" in failure.error


def test_connector_names_are_slugs() -> None:
    with pytest.raises(ValueError, match="slug"):
        _connector("x").__class__("Not A Slug", "x", "x", Text("x", "x"), str, str)  # type: ignore[arg-type]
