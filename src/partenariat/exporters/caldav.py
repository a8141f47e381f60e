"""Publishing the permanences' iCalendar on a CalDAV server (RFC 4791).

Each permanence is one calendar object resource, ``{collection}/{uid}.ics``, whose name is the
permanence's stable ``UID`` (:func:`partenariat.exporters.calendar.uid`): a new export replaces
the same resource, so that subscribers see the sessions change rather than a second calendar. When
the sessions of a permanence change, its ``SEQUENCE`` is raised by one (RFC 5545 §3.8.7.4); when
nothing changed, the resource is left as it is. A replacement is conditional on the ``ETag`` read
just before (``If-Match``), so that two publications at once cannot silently overwrite each other.

Only the standard library speaks HTTP here. Credentials are passed in by the caller (the command
line reads them from the environment) and never appear in messages: the URL is shown without them.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import attrs

from partenariat.errors import PartenariatError
from partenariat.exporters.base import ExportContext
from partenariat.exporters.calendar import to_ical, uid
from partenariat.i18n import Text
from partenariat.permanences.recurrence import Agenda

TIMEOUT_SECONDS = 30.0
"""How long one request may take."""

_VOLATILE = ("DTSTAMP", "SEQUENCE")
"""Properties that change on every export without the sessions changing."""


class PublicationError(PartenariatError):
    """The CalDAV server refused or could not be reached; the URL is shown without credentials.

    :param url: the resource or collection, without credentials.
    :param status: the HTTP status, when there was an answer.
    """

    def __init__(self, message: Text, *, url: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


@attrs.frozen
class Published:
    """What happened to one permanence's resource.

    :param permanence: the permanence's id.
    :param url: the resource's URL (without credentials).
    :param sequence: its ``SEQUENCE`` now.
    :param action: ``"created"``, ``"updated"`` or ``"unchanged"``.
    """

    permanence: str
    url: str
    sequence: int
    action: str


@attrs.frozen
class Credentials:
    """A user name and password for HTTP Basic authentication (never shown in ``repr``)."""

    user: str
    password: str = attrs.field(repr=False)

    def header(self) -> str:
        """Return the ``Authorization`` header's value."""
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


Opener = Callable[[urllib.request.Request, float], Any]


def _open(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)


def shown(url: str) -> str:
    """Return ``url`` without the user name and password it may carry."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def publish_calendar(
    agenda: Agenda,
    collection: str,
    *,
    credentials: Credentials | None = None,
    context: ExportContext | None = None,
    opener: Opener = _open,
) -> list[Published]:
    """Put one iCalendar resource per permanence of ``agenda`` in the CalDAV ``collection``.

    :param collection: the calendar collection's URL (``https://…/agent/permanences/``).
    :raises PublicationError: a request failed (status and URL without credentials in the message).
    """
    import icalendar

    context = context or ExportContext()
    base = collection if collection.endswith("/") else collection + "/"
    report = []
    for perm in agenda.permanences:
        single = attrs.evolve(agenda, permanences=[perm])
        fresh = icalendar.Calendar.from_ical(to_ical(single, context))
        url = urllib.parse.urljoin(base, urllib.parse.quote(uid(perm)) + ".ics")
        old, etag = _get(url, credentials, opener)
        sequence = 0
        action = "created"
        if old is not None:
            previous = icalendar.Calendar.from_ical(old)
            sequence = max((int(e.get("SEQUENCE", 0)) for e in previous.walk("VEVENT")), default=0)
            if _essence(previous) == _essence(fresh):
                report.append(Published(perm.id, shown(url), sequence, "unchanged"))
                continue
            sequence += 1
            action = "updated"
        for event in fresh.walk("VEVENT"):
            event.pop("SEQUENCE", None)
            event.add("SEQUENCE", sequence)
        _put(url, fresh.to_ical(), etag, credentials, opener)
        report.append(Published(perm.id, shown(url), sequence, action))
    return report


def _essence(calendar: Any) -> list[bytes]:
    """Return the events without what changes on every export (have the sessions changed?)."""
    events = []
    for event in calendar.walk("VEVENT"):
        copy = event.copy()
        for name in _VOLATILE:
            copy.pop(name, None)
        events.append(copy.to_ical())
    return sorted(events)


def _request(
    url: str, method: str, credentials: Credentials | None, data: bytes | None = None
) -> urllib.request.Request:
    request = urllib.request.Request(url, data=data, method=method)
    if credentials is not None:
        request.add_header("Authorization", credentials.header())
    return request


def _get(
    url: str, credentials: Credentials | None, opener: Opener
) -> tuple[bytes | None, str | None]:
    try:
        with opener(_request(url, "GET", credentials), TIMEOUT_SECONDS) as answer:
            return answer.read(), answer.headers.get("ETag")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:  # not there yet: it will be created
            exc.close()
            return None, None
        raise _failure(url, exc) from None
    except OSError as exc:
        raise _failure(url, exc) from None


def _put(
    url: str, data: bytes, etag: str | None, credentials: Credentials | None, opener: Opener
) -> None:
    request = _request(url, "PUT", credentials, data)
    request.add_header("Content-Type", "text/calendar; charset=utf-8")
    if etag is not None:
        request.add_header("If-Match", etag)
    else:
        request.add_header("If-None-Match", "*")
    try:
        with opener(request, TIMEOUT_SECONDS):
            pass
    except OSError as exc:
        raise _failure(url, exc) from None


def _failure(url: str, exc: OSError) -> PublicationError:
    where = shown(url)
    if isinstance(exc, urllib.error.HTTPError):
        exc.close()  # the answer's body is not read: release its connection
        reason = f"HTTP {exc.code} {exc.reason}"
        status: int | None = exc.code
    else:
        reason = str(getattr(exc, "reason", None) or exc.strerror or type(exc).__name__)
        status = None
    return PublicationError(
        Text(
            f"publication CalDAV impossible : {where} : {reason}",
            f"CalDAV publication failed: {where}: {reason}",
        ),
        url=where,
        status=status,
    )


__all__ = ["Credentials", "PublicationError", "Published", "publish_calendar", "shown"]
