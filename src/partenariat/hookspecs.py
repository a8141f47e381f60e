"""The hook specifications: the public contract between partenariat and its plugins.

Every hook is prefixed ``partenariat_``, typed, and documented in ``docs/hooks.md`` (a test fails when
one is not). Hooks only ever gain arguments; a removal goes through a deprecation period.

A plugin implements hooks with :data:`hookimpl`::

    from partenariat import hookimpl

    @hookimpl
    def partenariat_partner_kinds():
        return [PartnerKind("guichet-imaginaire", Text("guichet imaginaire", "imaginary desk"))]

Built-in features (the core partner kinds, the exporters) are registered through these same hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import pluggy

from partenariat.i18n import Text
from partenariat.organisations import is_slug

if TYPE_CHECKING:
    import click

    from partenariat.conventions import Convention
    from partenariat.exporters.base import Exporter
    from partenariat.i18n import Language
    from partenariat.io.converter import ConverterHook
    from partenariat.organisations import PartnerKind

PROJECT_NAME = "partenariat"
"""The pluggy project name, which is also the entry-point group plugins are discovered through."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marker for hook specifications (used by partenariat itself)."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marker for hook implementations (used by plugins)."""


@hookspec
def partenariat_partner_kinds() -> Sequence[PartnerKind]:
    """Register kinds of partner organisation (``mission-locale``, ``france-travail``…).

    Every implementation is called; the kinds they return are merged. A kind whose name is already
    registered by an earlier plugin is reported as a conflict and ignored.

    :return: the :class:`~partenariat.organisations.PartnerKind` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


@hookspec
def partenariat_exporters() -> Sequence[Exporter]:
    """Register export formats (a convention as TOML or JSON, a calendar as iCalendar…).

    Every implementation is called; the exporters they return are merged and looked up by
    ``(subject, name)``, e.g. ``("convention", "json")``.

    :return: the :class:`~partenariat.exporters.Exporter` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


# -- follow-up (issue 5) ------------------------------------------------------------------------

if TYPE_CHECKING:
    from partenariat.followup.lifecycle import Lifecycle
    from partenariat.followup.outcomes import OutcomeTaxonomy


@hookspec
def partenariat_lifecycles() -> Sequence[Lifecycle]:
    """Register follow-up lifecycles (states, transitions and guards as data).

    Every implementation is called; the lifecycles they return are merged and looked up by name
    (a convention names its lifecycle in ``[followup] lifecycle``). A name already registered by an
    earlier plugin is reported as a conflict and ignored. Guards are named from
    :data:`partenariat.followup.lifecycle.GUARDS`.

    :return: the :class:`~partenariat.followup.lifecycle.Lifecycle` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


@hookspec
def partenariat_outcome_taxonomies() -> Sequence[OutcomeTaxonomy]:
    """Register exit-outcome taxonomies (categories and outcomes).

    Every implementation is called; the taxonomies they return are merged and looked up by name
    (``[followup] taxonomy``). A name already registered is reported as a conflict and ignored.

    :return: the :class:`~partenariat.followup.outcomes.OutcomeTaxonomy` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


# -- eligibility ------------------------------------------------------------------------------
if TYPE_CHECKING:
    from partenariat.eligibility.facts import BarrierKind, StatusKind
    from partenariat.eligibility.rules import PredicateType


@hookspec
def partenariat_predicates() -> Sequence[PredicateType]:
    """Register rule types that eligibility rules may name in ``type = "…"``.

    Every implementation is called; the types they return are merged. A name already registered by
    an earlier plugin is reported as a conflict and ignored. A predicate's rule class subclasses
    :class:`~partenariat.eligibility.rules.Rule` (a vectorised :meth:`~partenariat.eligibility.rules.Rule.vector`
    is optional: without it a cohort evaluates the predicate person by person).

    :return: the :class:`~partenariat.eligibility.rules.PredicateType` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


@hookspec
def partenariat_statuses() -> Sequence[StatusKind]:
    """Register statuses a person may hold (``rsa``, ``job-seeker``, ``rqth``…) for ``status`` rules.

    Every implementation is called; the statuses are merged, a name already registered is reported as
    a conflict and ignored. Mark health or disability statuses ``sensitive=True``.

    :return: the :class:`~partenariat.eligibility.facts.StatusKind` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


@hookspec
def partenariat_barrier_kinds() -> Sequence[BarrierKind]:
    """Register kinds of barrier to employment (``housing``, ``mobility``…) for ``barrier`` rules.

    Every implementation is called; the kinds are merged, a name already registered is reported as a
    conflict and ignored. Mark sensitive kinds (health, justice) ``sensitive=True``.

    :return: the :class:`~partenariat.eligibility.facts.BarrierKind` values this plugin adds.

    *Added in 0.1.*
    """
    raise NotImplementedError


# -- files and summaries ----------------------------------------------------------------------


@hookspec
def partenariat_summary_sections(convention: Convention, lang: Language) -> Sequence[str] | None:
    """Add a section to the summary of a convention (``partenariat show``).

    Every implementation is called, in registration order (built-ins first: the permanences, then the
    target public); each non-empty result becomes one section, separated from the others by a blank
    line.

    :param convention: the convention being summarised.
    :param lang: the language to write in (``"fr"`` or ``"en"``).
    :return: the lines of the section (without trailing newlines), or ``None``/an empty sequence to
        add nothing.

    *Added in 0.1* (replaces the ``partenariat.summary.SECTION_WRITERS`` list).
    """
    raise NotImplementedError


@hookspec
def partenariat_converter_hooks() -> Sequence[ConverterHook]:
    """Teach the converter that reads convention files to read and write a plugin's own types.

    Every implementation is called; the functions returned are applied, in registration order, to
    the converter each plugin host builds (:meth:`partenariat.plugins.PluginHost.registry`), after
    the core's own hooks. Each function receives the :class:`cattrs.Converter` and registers
    structure/unstructure hooks on it; it must not keep state between calls.

    :return: functions ``hook(converter) -> None``.

    *Added in 0.1* (replaces ``partenariat.serialization.register_hooks``).
    """
    raise NotImplementedError


# -- command line -------------------------------------------------------------------------------


@hookspec
def partenariat_cli_commands() -> Sequence[click.Command]:
    """Add sub-commands to the ``partenariat`` command line.

    Every implementation is called; the commands are merged by their ``name``. The built-in commands
    always win: a plugin command with a built-in name is never run. A name that an earlier plugin
    registered is reported as a conflict and ignored. The command line asks for plugin commands
    only when the name typed is not a built-in one (and ``partenariat plugins`` lists them), so that
    ``partenariat --help`` never loads a plugin. A command that raises a
    :class:`~partenariat.errors.PartenariatError` gets the same French or English message as a
    built-in one; ``--lang`` is accepted after it too.

    :return: :class:`click.Command` (or :class:`click.Group`) objects, each with its ``name``.

    *Added in 0.1* (the built-in commands stay a table of the command line, for its start-up time).
    """
    raise NotImplementedError


# -- connectors (issue 13) ------------------------------------------------------------------------
if TYPE_CHECKING:
    from partenariat.connectors.base import Connector


@hookspec
def partenariat_connectors() -> Sequence[Connector]:
    """Register connectors to outside services (a geocoder, a directory of partner structures…).

    Every implementation is called; the connectors are merged by name, a name already registered
    by an earlier plugin is reported as a conflict (naming that plugin) and ignored. A connector
    reads its settings from the environment or a file, never prints a credential, and raises
    :class:`~partenariat.connectors.ConnectorError` naming the service and what to check.

    :return: the :class:`~partenariat.connectors.Connector` values this plugin adds.

    *Added in 0.2.*
    """
    raise NotImplementedError


# -- the demo (issue 13) ----------------------------------------------------------------------

Context = TypeVar("Context")
"""What a demo step's ``run`` receives: :class:`partenariat.cli.demo.DemoContext` (named here by a
type variable, since the hook contract sits below the command line)."""


def _slug(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not is_slug(value):
        raise ValueError(f"{attribute.name} must be a lowercase slug, got {value!r}")


@attrs.frozen
class DemoStep(Generic[Context]):
    """A step a plugin adds to ``partenariat demo``, shown under its own heading after the core's.

    :param name: identifier (``ban``, ``mission-locale``); the step's files go in a folder of
        that name in the demo's output.
    :param title: the heading, in French and English.
    :param run: ``run(ctx)``, with ``ctx`` a :class:`partenariat.cli.demo.DemoContext`: it prints
        with ``ctx.state.say(fr, en)``, reads the examples in ``ctx.examples``, the plugins through
        ``ctx.state.host``, and writes its files under ``ctx.output``.
    """

    name: str = attrs.field(validator=_slug)
    title: Text = attrs.field(validator=attrs.validators.instance_of(Text))
    run: Callable[[Context], None] = attrs.field(
        validator=attrs.validators.is_callable(), eq=False, repr=False
    )


@hookspec
def partenariat_demo_steps() -> Sequence[DemoStep[Any]]:
    """Add steps to ``partenariat demo``: what the plugin brings, shown on the bundled examples.

    Every implementation is called; the steps are merged by name, a name already registered by an
    earlier plugin is reported as a conflict and ignored. The demo runs the plugins' steps after its
    own, in registration order, each under its title and writing into its own folder. A step that
    raises is reported as one line (the plugin named) and the demo goes on; its files are dropped.

    :return: the :class:`DemoStep` values this plugin adds.

    *Added in 0.2.*
    """
    raise NotImplementedError
