"""What test suites import to check eligibility rules: case tables, a pytest plugin, strategies.

- :mod:`partenariat.testing.cases`: the case-table format (TOML or YAML) and its loader.
- :mod:`partenariat.testing.pytest_plugin`: collects ``*.cases.toml`` / ``*.cases.yaml`` files
  (registered through the ``pytest11`` entry point: installing partenariat is enough).
- :mod:`partenariat.testing.strategies`: Hypothesis strategies, registered so that
  ``st.from_type(PersonFacts)`` works (needs ``hypothesis``).
"""

from __future__ import annotations

from partenariat.testing.cases import Case, CaseResult, CaseTable, load_case_table

__all__ = ["Case", "CaseResult", "CaseTable", "load_case_table"]
