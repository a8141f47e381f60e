"""The plugin manager factory and a typed facade over the hooks.

There is no global plugin manager: :func:`make_plugin_host` builds one, and whatever needs plugins
receives the :class:`PluginHost`. Third-party plugins are discovered through the entry-point group
``partenariat``; each is loaded in its own guard, so a broken plugin is reported (with its
distribution's name) and skipped instead of taking the host down.

Environment variables:

``PARTENARIAT_STRICT_PLUGINS=1``
    re-raise plugin failures instead of reporting them (for plugin authors and CI).
``PARTENARIAT_DISABLE_PLUGINS=name,other``
    do not load these plugins (entry-point or distribution names).
"""

from __future__ import annotations

import functools
import importlib
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import pluggy

from partenariat import hookspecs
from partenariat._version import __version__
from partenariat.connectors.base import Connector
from partenariat.conventions import Convention
from partenariat.default_plugins import DEFAULT_PLUGINS
from partenariat.eligibility.facts import BarrierKind, StatusKind
from partenariat.eligibility.rules import PredicateType, RuleRegistry
from partenariat.errors import PartenariatError, PluginError, UnknownNameError
from partenariat.exporters.base import ExportContext, Exporter
from partenariat.followup.lifecycle import Lifecycle
from partenariat.followup.outcomes import OutcomeTaxonomy
from partenariat.hookspecs import DemoStep
from partenariat.i18n import Language, Text
from partenariat.io.converter import ConverterHook
from partenariat.io.registry import Registry
from partenariat.organisations import PartnerKind, merge_partner_kinds

if TYPE_CHECKING:
    import click

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME
"""The entry-point group third-party plugins declare themselves in."""


def __getattr__(name: str) -> Any:
    """Keep the former name of :data:`~partenariat.default_plugins.DEFAULT_PLUGINS` working, with a warning."""
    if name == "BUILTIN_PLUGINS":
        warnings.warn(
            "partenariat.plugins.BUILTIN_PLUGINS is deprecated; use "
            "partenariat.default_plugins.DEFAULT_PLUGINS",
            DeprecationWarning,
            stacklevel=2,
        )
        return DEFAULT_PLUGINS
    raise AttributeError(f"module 'partenariat.plugins' has no attribute {name!r}")


T = TypeVar("T")
N = TypeVar("N")


@attrs.frozen
class PluginInfo:
    """What ``partenariat plugins`` shows about one registered plugin."""

    name: str
    """The plugin's registered name (entry-point name, or module name for built-ins)."""
    distribution: str | None
    """The distribution that provides it (``None`` for plugins registered by hand)."""
    version: str | None
    """The distribution's version."""
    hooks: tuple[str, ...]
    """The hooks it implements, sorted."""
    builtin: bool
    """Whether it is one of partenariat's own built-in plugins."""


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded, or a hook implementation that failed."""

    name: str
    """The plugin's name."""
    distribution: str | None
    """The distribution that provides it, when known."""
    error: str
    """What went wrong (exception type and message)."""
    hook: str | None = None
    """The hook being called, when the failure happened in a call rather than at load time."""

    def describe(self) -> str:
        """Return a one-line description for logs and the CLI."""
        who = self.name + (f" ({self.distribution})" if self.distribution else "")
        where = f" in {self.hook}" if self.hook else ""
        return f"{who}{where}: {self.error}"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on", "oui"}


def _env_names(name: str) -> frozenset[str]:
    raw = os.environ.get(name, "")
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


class PluginHost:
    """A plugin manager plus a typed facade: one method per hook, with failures isolated.

    Build one with :func:`make_plugin_host`. Hooks are called through pluggy (``pm.hook.…``), so
    ``wrapper=True`` implementations work as pluggy documents them. Each third-party implementation
    is guarded when it is registered: one that raises (anything, ``SystemExit`` included) or returns
    the wrong type is recorded in :attr:`failures` and contributes nothing (or re-raises in strict
    mode). Built-in implementations are not guarded: an error there is a bug in partenariat and must
    surface. Wrappers are not guarded either: they wrap the others' results and see their errors.
    """

    def __init__(self, pm: pluggy.PluginManager, *, strict: bool = False) -> None:
        self.pm = pm
        self.strict = strict
        self.failures: list[PluginFailure] = []
        self.disabled: list[str] = []
        self._distributions: dict[str, tuple[str | None, str | None]] = {}
        self._builtin: set[str] = set()
        self._order: dict[str, int] = {}
        # Which plugin returned each result container during a hook call (by id: the containers
        # are alive until the call's results are read), so that results are merged in
        # registration order and a failure or conflict names its plugin.
        self._origin: dict[int, str] = {}
        # Results of argument-less hooks (kinds, exporters…) are fixed while the set of plugins is.
        self._cache: dict[str, Any] = {}
        self._kind_owners: dict[str, str] = {}

    # -- registration ---------------------------------------------------------------------
    def register(
        self,
        plugin: object,
        name: str | None = None,
        *,
        distribution: str | None = None,
        version: str | None = None,
        builtin: bool = False,
    ) -> bool:
        """Register ``plugin`` (a module or object with hook implementations) under ``name``.

        Hook implementations that match no known hook are rejected: the plugin is unregistered and
        the failure recorded (raised in strict mode). Return whether it was registered.
        """
        self._cache.clear()
        name = name or getattr(plugin, "__name__", None) or str(id(plugin))
        if builtin:
            self._builtin.add(name)
        # pluggy calls what is registered: the plugin's implementations, each in its guard.
        guarded = self._guarded_plugin(name, plugin)
        try:
            registered = self.pm.register(guarded, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self._builtin.discard(name)
            self._fail(name, distribution, exc)
            return False
        if registered is None:  # pragma: no cover - pluggy returns None for blocked names
            return False
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(guarded)
            self._builtin.discard(name)
            self._fail(registered, distribution, exc)
            return False
        self._distributions[registered] = (distribution, version)
        self._order[registered] = len(self._order)
        return True

    def _guarded_plugin(self, name: str, plugin: object) -> object:
        """Return a stand-in for ``plugin`` whose implementations run in their check and guard.

        Wrappers (``wrapper=True``, ``hookwrapper=True``) are kept as they are: pluggy runs them
        around the others.
        """
        stand_in = _StandIn(name, plugin)
        for attribute in dir(plugin):
            opts = self.pm.parse_hookimpl_opts(plugin, attribute)
            if opts is None:
                continue
            function = getattr(plugin, attribute)
            if not (opts.get("wrapper") or opts.get("hookwrapper")):
                function = self._guarded(attribute, name, function)
            setattr(stand_in, attribute, function)
        return stand_in

    def _guarded(
        self, hook: str, name: str, function: Callable[..., object]
    ) -> Callable[..., object]:
        check = _CHECKS.get(hook, _as_list)
        builtin = name in self._builtin

        @functools.wraps(function)
        def guarded(*args: object) -> object:
            try:
                items = check(function(*args))
            except BaseException as exc:
                # BaseException too: a plugin calling sys.exit() must not end the command.
                if builtin:
                    raise
                self._fail(name, self._distribution(name), exc, hook)
                return None
            self._origin[id(items)] = name
            return items

        return guarded

    def _distribution(self, name: str | None) -> str | None:
        return self._distributions.get(name, (None, None))[0] if name is not None else None

    def _fail(
        self, name: str, distribution: str | None, exc: BaseException, hook: str | None = None
    ) -> None:
        failure = PluginFailure(name, distribution, f"{type(exc).__name__}: {exc}", hook)
        if failure not in self.failures:
            self.failures.append(failure)
        if self.strict:
            raise PluginError(
                Text(
                    f"extension en échec : {failure.describe()}",
                    f"plugin failed: {failure.describe()}",
                ),
                plugin=name,
                distribution=distribution,
            ) from exc

    def load_entry_points(self, *, disabled: Iterable[str] = ()) -> None:
        """Discover and register the plugins of the ``partenariat`` entry-point group."""
        blocked = frozenset(disabled)
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist is not None else None
            version = ep.dist.version if ep.dist is not None else None
            if ep.name in blocked or (dist is not None and dist in blocked):
                self.disabled.append(ep.name)
                continue
            if self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except BaseException as exc:
                # BaseException too: a plugin that calls sys.exit() at import must not end the command.
                self._fail(ep.name, dist, exc)
                continue
            self.register(plugin, ep.name, distribution=dist, version=version)

    # -- introspection --------------------------------------------------------------------
    def plugin_infos(self) -> list[PluginInfo]:
        """Describe every registered plugin, built-ins first, then by name."""
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            hooks = tuple(sorted(h.name for h in self.pm.get_hookcallers(plugin) or ()))
            dist, version = self._distributions.get(name, (None, None))
            infos.append(PluginInfo(name, dist, version, hooks, name in self._builtin))
        return sorted(infos, key=lambda i: (not i.builtin, i.name))

    def hook_names(self) -> list[str]:
        """Return the names of every hook specification known to this host."""
        return sorted(
            name for name in dir(self.pm.hook) if name.startswith(hookspecs.PROJECT_NAME + "_")
        )

    # -- calls through pluggy --------------------------------------------------------------
    def call_each(self, hook: str, expected: type[T], /, **kwargs: Any) -> list[tuple[str, T]]:
        """Call ``hook`` through pluggy and return ``(plugin name, item)`` pairs.

        Each implementation may return one ``expected`` item, a sequence of them, or ``None``.
        Results are in registration order (built-ins first), not pluggy's newest-first call order:
        for hooks that register names, the first registration wins and later ones are reported as
        conflicts, so a plugin cannot silently take over a name of the core. A third-party
        implementation that raises or returns something else is recorded as a failure and skipped.
        """
        pairs: list[tuple[str, T]] = []
        for name, value in self._call(hook, **kwargs):
            try:
                items = _as_items(value, expected)
            except TypeError as exc:  # a wrapper replaced the results with something else
                self._fail(name, self._distribution(name), exc, hook)
                continue
            pairs.extend((name, item) for item in items)
        return pairs

    def _call(self, hook: str, **kwargs: Any) -> list[tuple[str, object]]:
        results = getattr(self.pm.hook, hook)(**kwargs)
        named = [(self._origin.pop(id(r), "?"), r) for r in results]
        return sorted(named, key=lambda pair: self._order.get(pair[0], math.inf))

    # -- typed facade: one method per hook -------------------------------------------------
    def _cached(self, hook: str, compute: Callable[[], T]) -> T:
        if hook not in self._cache:
            self._cache[hook] = compute()
        value: T = self._cache[hook]
        return value

    def partner_kinds(self) -> dict[str, PartnerKind]:
        """Return every registered partner kind by name (hook ``partenariat_partner_kinds``).

        A name or former name taken first by another plugin is a conflict (reported, the kind
        ignored); a lifecycle, taxonomy or preset a kind names that no plugin registers is reported
        against the kind's plugin (:attr:`failures`), and the kind kept.
        """
        return dict(self._cached("partner_kinds", self._partner_kinds))

    def _partner_kinds(self) -> dict[str, PartnerKind]:
        hook = "partenariat_partner_kinds"
        kinds, self._kind_owners, conflicts = merge_partner_kinds(self.call_each(hook, PartnerKind))
        for plugin_name, name, first in conflicts:
            self._conflict(plugin_name, hook, name, first)
        for name, kind in kinds.items():
            owner = self._kind_owners[name]
            for problem in kind.unregistered(
                self.predicates(), self.lifecycles(), self.outcome_taxonomies()
            ):
                self._fail(owner, self._distribution(owner), LookupError(problem), hook)
        return kinds

    def partner_kind_plugins(self) -> dict[str, str]:
        """Return, for each registered partner kind, the name of the plugin that registers it."""
        self.partner_kinds()
        return dict(self._kind_owners)

    def installed_plugins(self) -> tuple[str, ...]:
        """Return the distributions (else names) of the plugins besides the built-ins, in order."""
        shown = (self._distribution(n) or n for n in self._order if n not in self._builtin)
        return tuple(dict.fromkeys(shown))

    def exporters(self, subject: str | None = None) -> dict[tuple[str, str], Exporter]:
        """Return the registered exporters by ``(subject, name)``, optionally for one subject."""
        found = dict(self._cached("partenariat_exporters", self._exporters))
        if subject is not None:
            found = {k: v for k, v in found.items() if k[0] == subject}
        return found

    def _exporters(self) -> dict[tuple[str, str], Exporter]:
        found: dict[tuple[str, str], Exporter] = {}
        owners: dict[tuple[str, str], str] = {}
        for plugin_name, exporter in self.call_each("partenariat_exporters", Exporter):
            if exporter.key in found:
                key = exporter.key
                self._conflict(plugin_name, "partenariat_exporters", "/".join(key), owners[key])
                continue
            owners[exporter.key] = plugin_name
            if plugin_name not in self._builtin:
                guarded = self._guarded_write(plugin_name, exporter)
                # a plugin's output goes through its guarded write, never an unguarded stream
                found[exporter.key] = attrs.evolve(exporter, write=guarded, stream=None)
            else:
                found[exporter.key] = exporter
        return found

    def _guarded_write(
        self, name: str, exporter: Exporter
    ) -> Callable[[Any, ExportContext], bytes]:
        """Wrap a plugin's exporter so that a crash or a result that is not bytes is reported."""
        write = exporter.write
        what = "/".join(exporter.key)

        def guarded(obj: Any, context: ExportContext) -> bytes:
            try:
                data = write(obj, context)
                if not isinstance(data, bytes):
                    raise TypeError(
                        f"exporter {what} returned {type(data).__name__}, expected bytes"
                    )
            except PartenariatError:
                raise  # a problem with the data, said in the user's terms
            except BaseException as exc:
                raise self._plugin_error(name, exc, "partenariat_exporters") from exc
            return data

        return guarded

    def _plugin_error(self, name: str, exc: BaseException, hook: str) -> PluginError:
        """Record ``exc`` as a failure of ``name`` (raised in strict mode); return what to raise."""
        dist = self._distribution(name)
        self._fail(name, dist, exc, hook)
        describe = PluginFailure(name, dist, f"{type(exc).__name__}: {exc}", hook).describe()
        text = Text(f"extension en échec : {describe}", f"plugin failed: {describe}")
        return PluginError(text, plugin=name, distribution=dist)

    def exporter(self, subject: str, name: str) -> Exporter:
        """Return the exporter ``name`` for ``subject``, or raise :class:`UnknownNameError`."""
        available = self.exporters(subject)
        try:
            return available[(subject, name)]
        except KeyError:
            raise UnknownNameError(
                Text(f"format d'export ({subject})", f"export format ({subject})"),
                name,
                (n for _, n in available),
            ) from None

    def exercise(self) -> list[PluginFailure]:
        """Call every hook that takes no argument once and return the failures collected so far.

        ``partenariat plugins`` uses it as a health check: a plugin that loads but fails when called
        shows up before a real command needs it.
        """
        self.partner_kinds()
        self.exporters()
        self.lifecycles()
        self.outcome_taxonomies()
        self.predicates()
        self.statuses()
        self.barrier_kinds()
        self.converter_hooks()
        self.cli_commands()
        self.connectors()
        self.demo_steps()
        return list(self.failures)

    # -- follow-up (issue 5) ---------------------------------------------------------------
    def lifecycles(self) -> dict[str, Lifecycle]:
        """Return every registered follow-up lifecycle by name (hook ``partenariat_lifecycles``)."""
        return self.named("partenariat_lifecycles", Lifecycle)

    def outcome_taxonomies(self) -> dict[str, OutcomeTaxonomy]:
        """Return every registered outcome taxonomy by name (``partenariat_outcome_taxonomies``)."""
        return self.named("partenariat_outcome_taxonomies", OutcomeTaxonomy)

    # -- eligibility ------------------------------------------------------------------------
    def predicates(self) -> dict[str, PredicateType]:
        """Return every registered rule type by name (hook ``partenariat_predicates``)."""
        return self.named("partenariat_predicates", PredicateType)

    def statuses(self) -> dict[str, StatusKind]:
        """Return every registered status by name (hook ``partenariat_statuses``)."""
        return self.named("partenariat_statuses", StatusKind)

    def barrier_kinds(self) -> dict[str, BarrierKind]:
        """Return every registered barrier kind by name (hook ``partenariat_barrier_kinds``)."""
        return self.named("partenariat_barrier_kinds", BarrierKind)

    def rule_registry(self) -> RuleRegistry:
        """Return the rule types, statuses and barrier kinds of every plugin, as one value."""
        return self._cached(
            "rule_registry",
            lambda: RuleRegistry(self.predicates(), self.statuses(), self.barrier_kinds()),
        )

    # -- files and summaries ------------------------------------------------------------------
    def converter_hooks(self) -> list[ConverterHook]:
        """Return the plugins' converter extensions (hook ``partenariat_converter_hooks``)."""

        def collect() -> list[ConverterHook]:
            found = self.call_each("partenariat_converter_hooks", _Callable)
            return [cast("ConverterHook", hook) for _, hook in found]

        return list(self._cached("partenariat_converter_hooks", collect))

    def registry(self) -> Registry:
        """Return what files are read against, for ``io.load_convention(path, registry=…)`` (cached)."""
        return self._cached("registry", self._registry)

    def _registry(self) -> Registry:
        return Registry(
            self.partner_kinds(),
            self.rule_registry(),
            self.converter_hooks(),
            self.installed_plugins(),
            self.outcome_taxonomies(),
        )

    def summary_sections(self, convention: Convention, lang: Language) -> list[list[str]]:
        """Return the sections every plugin adds to a convention's summary, in registration order.

        Hook ``partenariat_summary_sections``; pass the result to
        :func:`partenariat.summary.convention_summary` as ``sections``.
        """
        return [
            list(lines)
            for _, lines in self._call(
                "partenariat_summary_sections", convention=convention, lang=lang
            )
            if isinstance(lines, Sequence) and lines
        ]

    def connectors(self) -> dict[str, Connector]:
        """Return every registered connector by name (hook ``partenariat_connectors``)."""
        return self.named("partenariat_connectors", Connector)

    def demo_steps(self) -> dict[str, DemoStep[Any]]:
        """Return every step plugins add to ``partenariat demo``, by name (``partenariat_demo_steps``).

        A third-party step runs in a guard: a crash is recorded as a failure and raised as a
        :class:`~partenariat.errors.PluginError` naming the plugin, for the demo to report.
        """

        def guard(name: str, step: DemoStep[Any]) -> DemoStep[Any]:
            def run(ctx: Any) -> None:
                try:
                    step.run(ctx)
                except PartenariatError:
                    raise  # a problem with the data, said in the user's terms
                except (Exception, SystemExit) as exc:
                    raise self._plugin_error(name, exc, "partenariat_demo_steps") from exc

            return attrs.evolve(step, run=run)

        return self.named("partenariat_demo_steps", DemoStep, guard)

    # -- command line ---------------------------------------------------------------------------
    def cli_commands(self) -> dict[str, click.Command]:
        """Return the sub-commands plugins add, by name (hook ``partenariat_cli_commands``)."""
        import click

        return self.named("partenariat_cli_commands", click.Command)

    def named(
        self, hook: str, expected: type[N], guard: Callable[[str, N], N] | None = None
    ) -> dict[str, N]:
        """Merge the items of an argument-less ``hook`` by their ``name`` (cached per host).

        Items are taken in registration order (built-ins first); a name registered twice is a
        conflict, reported, and the later item ignored. ``guard(plugin, item)``, when given,
        replaces each third-party item (to run its code in a guard).
        """

        def collect() -> dict[str, N]:
            found: dict[str, N] = {}
            owners: dict[str, str] = {}
            for plugin_name, item in self.call_each(hook, expected):
                name: str = getattr(item, "name")  # noqa: B009 - every named item has one
                if name in found:
                    self._conflict(plugin_name, hook, name, owners[name])
                    continue
                third_party = guard is not None and plugin_name not in self._builtin
                found[name] = guard(plugin_name, item) if guard and third_party else item
                owners[name] = plugin_name
            return found

        return dict(self._cached(hook, collect))

    def _conflict(self, plugin_name: str, hook: str, what: str, first: str) -> None:
        dist, first_dist = self._distribution(plugin_name), self._distribution(first)
        owner = f"{first} ({first_dist})" if first_dist and first_dist != first else first
        self._fail(
            plugin_name, dist, ValueError(f"'{what}' is already registered by {owner}"), hook
        )


def _as_items(value: object, expected: type[T]) -> list[T]:
    if value is None:
        return []
    if isinstance(value, expected):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        bad = [v for v in value if not isinstance(v, expected)]
        if not bad:
            return list(value)
        raise TypeError(f"expected {expected.__name__} items, got {type(bad[0]).__name__}")
    raise TypeError(
        f"expected {expected.__name__} or a sequence of them, got {type(value).__name__}"
    )


class _StandIn:
    """What pluggy registers for a plugin: its hook implementations, each in its guard."""

    def __init__(self, name: str, plugin: object) -> None:
        self.__name__ = name
        self.plugin = plugin
        """The plugin as it was given (a module or an object)."""

    def __repr__(self) -> str:
        return repr(self.plugin)


class _CallableMeta(type):
    def __instancecheck__(cls, instance: object) -> bool:
        return callable(instance)


class _Callable(metaclass=_CallableMeta):
    """Stands for "any callable" where :func:`_as_items` wants a type to check items against."""


def _as_list(value: object) -> object:
    return value


def _checker(expected: type[Any]) -> Callable[[object], list[Any]]:
    return lambda value: _as_items(value, expected)


def _lines(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        lines = list(value)
        if all(isinstance(line, str) for line in lines):
            return lines
    raise TypeError(f"expected a sequence of lines (str), got {type(value).__name__}")


#: what each hook's implementations must return, checked (and made a list) as they return
_CHECKS: Mapping[str, Callable[[object], object]] = {
    "partenariat_partner_kinds": _checker(PartnerKind),
    "partenariat_exporters": _checker(Exporter),
    "partenariat_lifecycles": _checker(Lifecycle),
    "partenariat_outcome_taxonomies": _checker(OutcomeTaxonomy),
    "partenariat_predicates": _checker(PredicateType),
    "partenariat_statuses": _checker(StatusKind),
    "partenariat_barrier_kinds": _checker(BarrierKind),
    "partenariat_converter_hooks": _checker(_Callable),
    "partenariat_summary_sections": _lines,
    "partenariat_connectors": _checker(Connector),
    "partenariat_demo_steps": _checker(DemoStep),
}


def make_plugin_host(
    *,
    entry_points: bool = True,
    plugins: Iterable[object | tuple[str, object]] = (),
    strict: bool | None = None,
    disabled: Iterable[str] | None = None,
) -> PluginHost:
    """Build a new, isolated :class:`PluginHost`.

    :param entry_points: discover third-party plugins through the ``partenariat`` entry points.
    :param plugins: extra plugins to register (objects, or ``(name, object)`` pairs), e.g. in tests.
    :param strict: re-raise plugin failures; defaults to ``PARTENARIAT_STRICT_PLUGINS``.
    :param disabled: plugin or distribution names not to load; defaults to
        ``PARTENARIAT_DISABLE_PLUGINS``.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    host = PluginHost(
        pm, strict=_env_flag("PARTENARIAT_STRICT_PLUGINS") if strict is None else strict
    )
    for module_name in DEFAULT_PLUGINS:
        module: ModuleType = importlib.import_module(module_name)
        host.register(
            module, module_name, distribution="partenariat", version=__version__, builtin=True
        )
    for plugin in plugins:
        name, obj = plugin if isinstance(plugin, tuple) else (None, plugin)
        host.register(obj, name)
    if entry_points:
        host.load_entry_points(
            disabled=_env_names("PARTENARIAT_DISABLE_PLUGINS") if disabled is None else disabled
        )
    return host
