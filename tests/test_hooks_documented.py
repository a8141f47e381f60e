"""Every hook is a documented public contract."""

from __future__ import annotations

import inspect
import re

import pytest

from partenariat import hookspecs
from partenariat.plugins import make_plugin_host

from .conftest import ROOT

HOOKS = sorted(
    name
    for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("partenariat_")
)
DOCS = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")


def test_there_are_hooks() -> None:
    assert "partenariat_partner_kinds" in HOOKS
    assert make_plugin_host(entry_points=False).hook_names() == HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_section_in_docs(name: str) -> None:
    assert re.search(rf"^#+ `?{name}`?\s*$", DOCS, re.MULTILINE), (
        f"docs/hooks.md has no section for {name}"
    )


@pytest.mark.parametrize("name", HOOKS)
def test_hook_docstring_says_return_and_version(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert ":return:" in doc, f"{name}: the docstring must say what it returns"
    assert "Added in" in doc, f"{name}: the docstring must say in which version it was added"
    signature = inspect.signature(getattr(hookspecs, name))
    for parameter in signature.parameters:
        assert f":param {parameter}:" in doc, f"{name}: parameter {parameter} is not documented"


def test_docs_document_no_hook_that_does_not_exist() -> None:
    documented = set(re.findall(r"^#+ `?(partenariat_\w+)`?\s*$", DOCS, re.MULTILINE))
    assert documented <= set(HOOKS)


def test_every_hook_name_has_the_prefix() -> None:
    specs = [
        n
        for n, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(f, "partenariat_spec")
    ]
    assert all(n.startswith("partenariat_") for n in specs)
