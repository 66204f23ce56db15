"""No internal identifiers in what a learner reads: every step of every lesson through `run`."""

from __future__ import annotations

import re

import pytest

from tests.test_lesson_play import LESSONS, fast_experiments  # noqa: F401 - a fixture
from tutor.cli import main

FORBIDDEN = [
    r"\w_table\b",  # loss_table, epochs_table: a result key
    r"\bper_class\b",
    r"\bfinal_loss\b",
    r"\bencoder_838_seed001\b",  # an experiment id
    r"\bE_after_round_1_variant\b",
    r"\d{3}_[0-9a-f]{16}\.txt",  # a seed file's name
    r"\b[a-z][\w-]*@[\w-]+",  # a trace spec (mazur@updated-weights)
]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
@pytest.mark.parametrize("form", ["text", "md"])
def test_no_internal_identifier_is_shown(lesson, form, fast_experiments, capsys):  # noqa: F811
    assert main(["run", lesson.id, "--format", form]) == 0
    out = capsys.readouterr().out
    found = sorted({m.group(0) for p in FORBIDDEN for m in re.finditer(p, out)})
    assert found == []
