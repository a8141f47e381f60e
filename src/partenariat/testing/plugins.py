"""Helpers for plugin authors' tests: isolated hosts, a plugin registered for one test.

Also available as pytest fixtures (the ``pytest11`` plugin of partenariat registers them):
``partenariat_host`` (an isolated strict host, built-ins only) and ``partenariat_plugin_host`` (a
factory: ``partenariat_plugin_host(my_plugin)``). For connectors, see
:func:`partenariat.testing.http.local_http_server`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from partenariat.plugins import PluginFailure, PluginHost, make_plugin_host


def isolated_host(*plugins: object | tuple[str, object], strict: bool = True) -> PluginHost:
    """Return a new host with the built-ins and ``plugins`` only: no entry point, strict by default.

    Nothing installed on the machine leaks in, and a plugin failure raises instead of being
    reported, so that a test sees it.
    """
    return make_plugin_host(entry_points=False, plugins=plugins, strict=strict, disabled=())


@contextmanager
def plugin_registered(
    plugin: object, name: str | None = None, *, strict: bool = True
) -> Iterator[PluginHost]:
    """Yield an isolated host with ``plugin`` registered, for the ``with`` block only.

    On leaving, the host must have recorded no failure (a conflict included): the block fails with
    the failures described.
    """
    host = isolated_host((name, plugin) if name is not None else plugin, strict=strict)
    yield host
    if host.failures:
        raise AssertionError(_describe(host.failures))


def check_hooks(host: PluginHost) -> None:
    """Call every hook without arguments once; raise :class:`AssertionError` listing any failure."""
    failures = host.exercise()
    if failures:
        raise AssertionError(_describe(failures))


def _describe(failures: list[PluginFailure]) -> str:
    return "plugin failures:\n" + "\n".join(f"- {f.describe()}" for f in failures)


__all__ = ["check_hooks", "isolated_host", "plugin_registered"]
