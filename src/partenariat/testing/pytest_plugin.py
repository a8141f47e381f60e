"""A pytest plugin that runs case tables (``*.cases.toml``, ``*.cases.yaml``) as tests.

Registered through the ``pytest11`` entry point, so installing partenariat is enough: every case of
every case file under the test paths becomes a test item named after the case. A failing case is
reported by name, with what differs and the explanation of the decision (in French, or in English
with ``--partenariat-lang=en``). When Hypothesis is installed, the partenariat strategies are
registered too, so that ``st.from_type(PersonFacts)`` works in the suite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from partenariat.plugins import PluginHost
from partenariat.testing.plugins import isolated_host

CASE_SUFFIXES = (".cases.toml", ".cases.yaml", ".cases.yml")
"""File names the plugin collects."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--partenariat-lang`` (language of failure reports)."""
    group = parser.getgroup("partenariat")
    group.addoption(
        "--partenariat-lang",
        default="fr",
        choices=("fr", "en"),
        help="language of partenariat case-table failure reports (fr or en)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the Hypothesis strategies when Hypothesis is installed."""
    try:
        import hypothesis  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        return
    import partenariat.testing.strategies  # noqa: F401


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect case-table files."""
    if file_path.name.endswith(CASE_SUFFIXES):
        collector: CaseFile = CaseFile.from_parent(parent, path=file_path)
        return collector
    return None


class CaseTableError(Exception):
    """The case file itself is invalid (reported without a traceback)."""


class CaseFile(pytest.File):
    """A case-table file: one test item per case."""

    def collect(self) -> Iterator[pytest.Item]:
        """Load the table and yield one :class:`CaseItem` per case."""
        from partenariat.errors import PartenariatError
        from partenariat.testing.cases import load_case_table

        try:
            table = load_case_table(self.path)
        except PartenariatError as exc:
            lang = self.config.getoption("--partenariat-lang")
            raise self.CollectError(exc.describe(lang)) from None
        for case in table.cases:
            yield CaseItem.from_parent(self, name=case.name, table=table, case=case)


class CaseFailedError(AssertionError):
    """A case whose decision differs from its expectation."""


class CaseItem(pytest.Item):
    """One case of a case table."""

    def __init__(self, *, table: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table = table
        self.case = case

    def runtest(self) -> None:
        """Evaluate the case; raise :class:`CaseFailedError` with the report when it differs."""
        result = self.table.run(self.case)
        if not result.passed:
            raise CaseFailedError(result.report(self.config.getoption("--partenariat-lang")))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """Show the case report instead of a traceback."""
        if isinstance(excinfo.value, CaseFailedError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Name the case in the test report."""
        return self.path, None, f"case: {self.name}"


@pytest.fixture
def partenariat_host() -> PluginHost:
    """Return an isolated, strict plugin host: the built-ins only, nothing installed leaks in."""
    return isolated_host()


@pytest.fixture
def partenariat_plugin_host() -> Callable[..., PluginHost]:
    """Return a factory: ``partenariat_plugin_host(plugin, ("name", other))`` builds an isolated host."""
    return isolated_host
