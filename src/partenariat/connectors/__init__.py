"""Connectors to outside services (geocoding, partner directories), registered by plugins.

:mod:`.base` holds what every connector shares and needs no network library: the
:class:`~.base.Connector` a plugin registers through ``partenariat_connectors``, its settings read
from the environment or a file with secrets that never print, and :class:`~.base.ConnectorError`.
:mod:`.http` is the HTTP client they use (``httpx``, optional extra ``connectors``): timeouts,
bounded retries honouring ``Retry-After``, and errors that name the service and what to check.
"""

from __future__ import annotations

from partenariat.connectors.base import Connector, ConnectorError, ConnectorSettings, Secret

__all__ = ["Connector", "ConnectorError", "ConnectorSettings", "Secret"]
