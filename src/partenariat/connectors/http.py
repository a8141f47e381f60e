"""The HTTP client connectors share: bounded retries, ``Retry-After``, errors that say what to check.

Needs ``httpx`` and ``tenacity`` (``pip install partenariat[connectors]``). A connector builds one
:class:`HttpService` per service; every failure becomes a :class:`~.base.ConnectorError` naming the
service, what happened and what to check — never a credential, never a traceback from the network
library.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from partenariat.connectors.base import ConnectorError, ConnectorSettings
from partenariat.i18n import Text

if TYPE_CHECKING:
    import httpx
    import tenacity


class _Retryable(Exception):
    """A failure worth another try (429, 5xx, timeout); ``error`` is what to raise at the end."""

    def __init__(self, error: ConnectorError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # an HTTP date
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class HttpService:
    """One outside service over HTTP, with its settings, retries and error wording.

    :param service: the service's name, as errors say it.
    :param settings: base URL, timeout, credentials.
    :param retries: further tries after a 429, a 5xx or a timeout.
    :param max_wait: the longest wait between tries; a ``Retry-After`` longer than this fails at
        once, saying when to try again.
    :param sleep: how to wait (tests pass a recorder).
    :param credentials_hint: where the credentials come from, for a 401 (never their value).
    """

    def __init__(
        self,
        service: str,
        settings: ConnectorSettings,
        *,
        retries: int = 3,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        credentials_hint: Text | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.credentials_hint = credentials_hint or Text(
            "les identifiants du service", "the service's credentials"
        )
        # httpx and tenacity (the ``connectors`` extra) are imported when a service is used, not
        # when a plugin that offers one is loaded: every command loads the plugins.
        import httpx

        self.client = httpx.Client(
            base_url=settings.base_url, timeout=settings.timeout, headers=dict(headers or {})
        )

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def __enter__(self) -> HttpService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls ----------------------------------------------------------------------------
    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request, with retries; return a 2xx response or raise :class:`ConnectorError`."""
        import tenacity

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome is not None else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return exc.retry_after
            return float(min(self.max_wait, 0.5 * 2 ** (state.attempt_number - 1)))

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=wait,
            retry=tenacity.retry_if_exception_type(_Retryable),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, method, path, **kwargs)
        except _Retryable as exc:
            raise exc.error from None

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET ``path`` and return its JSON body (a malformed body is a :class:`ConnectorError`)."""
        return self.json_of(self.request("GET", path, **kwargs))

    def json_of(self, response: httpx.Response) -> Any:
        """Return the JSON body of ``response`` or raise :class:`ConnectorError` saying it is not."""
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise ConnectorError(
                self.service,
                Text("réponse illisible (JSON invalide)", "unreadable answer (malformed JSON)"),
                Text(
                    f"que l'adresse {self.settings.base_url} est bien celle de l'API",
                    f"that {self.settings.base_url} is the API's address",
                ),
                status=response.status_code,
            ) from None

    def _once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise _Retryable(
                self._error(
                    Text(
                        f"pas de réponse en {self.settings.timeout:g} s",
                        f"no answer within {self.settings.timeout:g} s",
                    ),
                    Text(
                        "le réseau, l'adresse du service et le délai (TIMEOUT)",
                        "the network, the service's address and the timeout (TIMEOUT)",
                    ),
                )
            ) from None
        except httpx.HTTPError as exc:
            raise self._error(
                Text(
                    f"service injoignable ({type(exc).__name__})",
                    f"service unreachable ({type(exc).__name__})",
                ),
                Text(
                    f"l'adresse {self.settings.base_url} et l'accès au réseau",
                    f"the address {self.settings.base_url} and network access",
                ),
            ) from None
        status = response.status_code
        if status < 400:
            return response
        if status in (401, 403):
            raise self._error(
                Text(f"authentification refusée ({status})", f"authentication refused ({status})"),
                self.credentials_hint,
                status,
            )
        if status == 429:
            after = _retry_after(response)
            wait = Text(
                f"réessayer dans {after:g} s" if after is not None else "réessayer plus tard",
                f"try again in {after:g} s" if after is not None else "try again later",
            )
            error = self._error(
                Text("trop de requêtes (429)", "too many requests (429)"), wait, status
            )
            if after is not None and after > self.max_wait:
                raise error
            raise _Retryable(error, after)
        if status >= 500:
            raise _Retryable(
                self._error(
                    Text(f"erreur du service ({status})", f"service error ({status})"),
                    Text(
                        "l'état du service auprès de son opérateur, puis réessayer",
                        "the service's status with its operator, then try again",
                    ),
                    status,
                )
            )
        raise self._error(
            Text(f"requête refusée ({status})", f"request refused ({status})"),
            Text(
                "les paramètres envoyés et la version de l'API",
                "the parameters sent and the API version",
            ),
            status,
        )

    def _error(self, problem: Text, check: Text, status: int | None = None) -> ConnectorError:
        return ConnectorError(self.service, problem, check, status=status)


__all__ = ["HttpService"]
