"""tests/hypothesis_summary.py: Hypothesis's end-of-run summary runs whenever it could print."""

from __future__ import annotations

import types

import _hypothesis_pytestplugin as plugin
import pytest

from tests import hypothesis_summary


def _reporter(stats: dict, show_statistics: bool = False):
    options = {plugin.PRINT_STATISTICS_OPTION: show_statistics}
    config = types.SimpleNamespace(getoption=options.__getitem__)
    return types.SimpleNamespace(config=config, stats=stats)


def _report(**extra) -> types.SimpleNamespace:
    return types.SimpleNamespace(outcome="passed", **extra)


def test_the_installed_hook_is_the_one_reviewed():
    """Fails after a Hypothesis upgrade that changed the hook: read the new one (does it print
    anything else than statistics, failing examples' patch and `_WROTE_TO`?), then update
    REVIEWED_HOOK. Until then the hook runs unwrapped, as Hypothesis ships it."""
    digest = hypothesis_summary.hook_digest(plugin.pytest_terminal_summary)
    assert digest == hypothesis_summary.REVIEWED_HOOK


def test_without_hypothesis_loaded_and_nothing_to_report_it_is_skipped():
    reporter = _reporter({"passed": [_report(), _report()], "": [_report()]})
    assert not hypothesis_summary.summary_may_print(reporter, plugin, {"pytest": pytest})


@pytest.mark.parametrize(
    "reporter, modules",
    [
        (_reporter({"passed": [_report()]}), {"hypothesis": object()}),
        (_reporter({"passed": [_report()]}, show_statistics=True), {}),
        (_reporter({"failed": [_report(**{plugin.FAILING_EXAMPLES_KEY: "[]"})]}), {}),
    ],
    ids=["hypothesis-loaded", "statistics-asked", "failing-examples"],
)
def test_it_runs_whenever_it_could_print(reporter, modules):
    assert hypothesis_summary.summary_may_print(reporter, plugin, modules)


def test_the_wrapped_hook_calls_hypothesis_own_when_it_could_print(pytestconfig):
    """This process runs Hypothesis's tests: the wrapped hook (conftest) calls the original,
    which prints the statistics section when asked."""
    impls = [
        impl
        for impl in pytestconfig.pluginmanager.hook.pytest_terminal_summary.get_hookimpls()
        if impl.plugin is plugin
    ]
    assert len(impls) == 1 and impls[0].function is not plugin.pytest_terminal_summary
    sections = []
    reporter = _reporter({"passed": [_report()]}, show_statistics=True)
    reporter.section = sections.append
    reporter.write_line = sections.append
    impls[0].function(reporter)
    assert sections == ["Hypothesis Statistics"]
