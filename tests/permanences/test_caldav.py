"""``partenariat calendrier --publier``: a real CalDAV server (Radicale) on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import attrs
import pytest

from partenariat.exporters.caldav import (
    Credentials,
    PublicationError,
    publish_calendar,
    shown,
)
from partenariat.io import load_convention
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.model import Cancellation
from partenariat.permanences.recurrence import Agenda

from ..conftest import examples_registry

pytest.importorskip("radicale")
icalendar = pytest.importorskip("icalendar")

ONET = Path(__file__).resolve().parents[2] / "examples" / "onet-le-chateau-mission-locale.toml"
USER, PASSWORD = "agent-ccas", "mot de passe secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server with one user and an empty calendar; yields the calendar's URL."""
    users = tmp_path / "users"
    users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "radicale", "--config", "",
            "--server-hosts", f"127.0.0.1:{port}",
            "--storage-filesystem-folder", str(tmp_path / "collections"),
            "--auth-type", "htpasswd",
            "--auth-htpasswd-filename", str(users),
            "--auth-htpasswd-encryption", "plain",
            "--rights-type", "owner_only",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("Radicale did not start")
                time.sleep(0.1)
        calendar = f"http://127.0.0.1:{port}/{USER}/permanences/"
        request = urllib.request.Request(calendar, method="MKCALENDAR")
        request.add_header("Authorization", Credentials(USER, PASSWORD).header())
        urllib.request.urlopen(request, timeout=10).close()
        yield calendar
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str) -> bytes:
    request = urllib.request.Request(url)
    request.add_header("Authorization", Credentials(USER, PASSWORD).header())
    with urllib.request.urlopen(request, timeout=10) as answer:
        data: bytes = answer.read()
        return data


def _agenda() -> Agenda:
    convention = load_convention(ONET, registry=examples_registry())
    return Agenda(convention.permanences, date(2019, 9, 1), date(2019, 12, 31), HolidayCalendar())


def test_a_republication_replaces_the_same_resource_and_raises_sequence_on_change(
    radicale: str,
) -> None:
    credentials = Credentials(USER, PASSWORD)
    [first] = publish_calendar(_agenda(), radicale, credentials=credentials)
    assert (first.action, first.sequence) == ("created", 0)
    assert first.url == radicale + "ml-au-ccas.onet-ml-2019%40partenariat.ics"
    [again] = publish_calendar(_agenda(), radicale, credentials=credentials)
    assert (again.action, again.sequence, again.url) == ("unchanged", 0, first.url)

    agenda = _agenda()
    [perm] = agenda.permanences
    cancelled = attrs.evolve(
        perm, cancellations=(*perm.cancellations, Cancellation(date(2019, 10, 1), "formation"))
    )
    [changed] = publish_calendar(
        attrs.evolve(agenda, permanences=[cancelled]), radicale, credentials=credentials
    )
    assert (changed.action, changed.sequence, changed.url) == ("updated", 1, first.url)
    stored = icalendar.Calendar.from_ical(_get(first.url))
    [event] = [e for e in stored.walk("VEVENT") if "RECURRENCE-ID" not in e]
    assert str(event["UID"]) == "ml-au-ccas.onet-ml-2019@partenariat"
    assert int(event["SEQUENCE"]) == 1
    assert "20191001" in event["EXDATE"].to_ical().decode()


def test_the_command_publishes_with_credentials_from_the_environment(
    radicale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from partenariat.cli import cli

    monkeypatch.setenv("PARTENARIAT_CALDAV_USER", USER)
    monkeypatch.setenv("PARTENARIAT_CALDAV_PASSWORD", PASSWORD)
    result = CliRunner().invoke(cli, ["calendrier", str(ONET), "--publier", radicale])
    assert result.exit_code == 0, result.output
    assert "ml-au-ccas : créée" in result.output
    assert PASSWORD not in result.output
    result = CliRunner().invoke(cli, ["calendrier", str(ONET), "--publier", radicale])
    assert "ml-au-ccas : inchangée" in result.output


def test_wrong_credentials_are_an_error_that_shows_no_secret(radicale: str) -> None:
    with pytest.raises(PublicationError) as caught:
        publish_calendar(_agenda(), radicale, credentials=Credentials(USER, "faux secret"))
    assert caught.value.status == 401
    assert "faux secret" not in caught.value.describe("fr")
    assert "HTTP 401" in caught.value.describe("fr")
    assert "faux secret" not in repr(Credentials(USER, "faux secret"))


def test_an_unreachable_server_is_named_without_credentials() -> None:
    url = f"http://{USER}:secret@127.0.0.1:{_free_port()}/{USER}/permanences/"
    with pytest.raises(PublicationError) as caught:
        publish_calendar(_agenda(), url)
    message = caught.value.describe("fr")
    assert "publication CalDAV impossible" in message
    assert "secret" not in message
    assert shown(url) == url.replace(f"{USER}:secret@", "")
