"""One error hierarchy (issue 10): every error the tutor raises on purpose is a TutorError.

Each keeps its older built-in base, so callers catching ValueError/KeyError still catch it;
a failed lookup is a NotFound whose str() is its sentence; the CLI prints any TutorError as
one line with exit status 2.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor.classroom.answers_file import AnswersFileError
from tutor.classroom.draw import DrawError
from tutor.classroom.grading import GradingError
from tutor.cli import UsageError
from tutor.engine.graph import GraphTooLarge
from tutor.engine.matrix import ChainError
from tutor.engine.netfile import NetFileError
from tutor.engine.training import TrainingDiverged
from tutor.engine.variants import TooLargeToTrace, get_variant
from tutor.errors import FileFormatError, NotFound, TrainingError, TutorError
from tutor.experiments.builtin_examples import get_example
from tutor.experiments.registry import get_experiment
from tutor.export.jsonfmt import TraceFormatError
from tutor.lessons.answers import AnswerError
from tutor.lessons.errors import LessonError
from tutor.mnist.data import MnistDataError
from tutor.safe_files import InputRefused
from tutor.sandbox import SandboxError
from tutor.symbolic.steps import TooLargeForSymbolic

FILE_FORMAT = [NetFileError, LessonError, TraceFormatError, AnswersFileError, MnistDataError]
OTHERS = [
    UsageError, InputRefused, AnswerError, ChainError, GraphTooLarge, TooLargeToTrace,
    SandboxError, TooLargeForSymbolic, DrawError, GradingError,
]


@pytest.mark.parametrize("error", FILE_FORMAT + OTHERS + [TrainingDiverged], ids=repr)
def test_every_error_of_the_tutor_is_a_tutor_error(error):
    assert issubclass(error, TutorError)


@pytest.mark.parametrize("error", FILE_FORMAT, ids=repr)
def test_file_format_errors_share_their_kind(error):
    assert issubclass(error, FileFormatError)


def test_training_diverged_is_a_training_error_and_still_arithmetic():
    assert issubclass(TrainingDiverged, TrainingError)
    assert issubclass(TrainingDiverged, ArithmeticError)


@pytest.mark.parametrize(
    "lookup, name",
    [(get_example, "no-such-net"), (get_variant, "no-such-variant"),
     (get_experiment, "no-such-experiment")],
)
def test_a_failed_lookup_is_not_found_a_key_error_with_its_sentence(lookup, name):
    with pytest.raises(NotFound) as caught:
        lookup(name)
    assert isinstance(caught.value, KeyError)  # callers catching KeyError keep working
    assert str(caught.value).startswith("unknown ") and name in str(caught.value)
    assert not str(caught.value).startswith("'")  # the sentence, not KeyError's quoted repr


def test_the_cli_prints_a_not_found_as_one_line_and_exits_2():
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "trace", "no-such-net"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "unknown example 'no-such-net'" in lines[0], done.stderr
    assert lines[0].startswith("backprop-tutor trace: error: ")
