"""Hypothesis's end-of-run summary, without importing Hypothesis where it can print nothing.

Hypothesis's pytest plugin prints, at the end of a run, the statistics asked for with
`--hypothesis-show-statistics`, a patch for the examples that failed, and the files its
observability wrote in this process (`hypothesis.internal.observability._WROTE_TO`). To read
that last set it imports Hypothesis, always. pytest-xdist's controller runs no test, so it never
imported Hypothesis and its set is empty; the import alone cost it ~0.45 s of CPU after the last
test had ended (`-X importtime`; benchmarks/RESULTS.md, twelfth pass, harness5).

`skip_summary_without_hypothesis` wraps the plugin's hook so that it runs whenever it could
print something (Hypothesis loaded, statistics asked for, a report carrying failing examples)
and is skipped otherwise. It does so only when the hook is the one this was written against
(its source's hash): after an upgrade the hook runs as Hypothesis ships it, and
tests/test_hypothesis_summary.py says what to check again.
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from collections.abc import Callable, Mapping

import pytest

PLUGIN_NAME = "hypothesispytest"  # Hypothesis's pytest11 entry point
# SHA-256 (first 16 hex digits) of `inspect.getsource` of the hook read (Hypothesis 6.155.2).
REVIEWED_HOOK = "cabafc87c50e2b4b"


def hook_digest(function: Callable) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def summary_may_print(terminalreporter, plugin, modules: Mapping[str, object]) -> bool:
    """Whether Hypothesis's summary could print anything in this process (see above)."""
    if "hypothesis" in modules:
        return True  # observability may have written files in this process
    if terminalreporter.config.getoption(plugin.PRINT_STATISTICS_OPTION):
        return True
    key = plugin.FAILING_EXAMPLES_KEY
    return any(
        report.__dict__.get(key)
        for reports in terminalreporter.stats.values()
        for report in reports
        if hasattr(report, "__dict__")
    )


def skip_summary_without_hypothesis(config: pytest.Config) -> bool:
    """Wrap Hypothesis's `pytest_terminal_summary` as above; False when it was left alone."""
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if plugin is None:
        return False
    for impl in config.pluginmanager.hook.pytest_terminal_summary.get_hookimpls():
        if impl.plugin is not plugin:
            continue
        original = impl.function
        if impl.argnames != ("terminalreporter",) or hook_digest(original) != REVIEWED_HOOK:
            return False

        def pytest_terminal_summary(terminalreporter) -> None:
            if summary_may_print(terminalreporter, plugin, sys.modules):
                original(terminalreporter)

        impl.function = pytest_terminal_summary  # type: ignore[misc]  # pluggy calls this
        return True
    return False
