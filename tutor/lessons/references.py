"""What lesson files refer to: traces of examples (with variants) and experiment results.

Syntax is checked when a lesson loads (`parse_*`); whether the referenced
trace names and experiments exist is checked by `check_references`, which the
`verify` command and the tests run (it needs the engine and the experiments).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from tutor.errors import NotFound
from tutor.lessons.errors import LessonError
from tutor.lessons.model import (
    CompareStep,
    DeriveStep,
    ErrataStep,
    Lesson,
    PredictStep,
    ProseStep,
    RevealStep,
    RunStep,
    Step,
    trace_of,
    variant_of,
)
from tutor.symbolic import ACTIVATION_TARGETS

if TYPE_CHECKING:
    from tutor.engine.trace import Trace

TRACE_SPEC = re.compile(r"^([a-z0-9_][a-z0-9_-]*)(?:@([a-z0-9][a-z0-9-]*))?$")
# `out_h1`, `dE_total/dw5`, `w5+`, and a sample's value in a batch: `net_h1[3]`.
TRACE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_/]*\+?(\[\d+\])?$")
# How a step's trace names a network file (made by the loader only: `trace` cannot hold ':').
NETWORK_PREFIX = "network:"
EXPERIMENT_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[\d+\]|\.[A-Za-z0-9_]+)*$")


# A matrix entry of the matrix form: W2[0,0], Z1[0,3], δ2[0], dW1[1,0], W2⁺[0,1], E[0,2].
MATRIX_ENTRY = re.compile(r"^(?:d?[WbZAS]\d+⁺?|δ\d+|dA\d+|Es?|T)\[\d+(?:,\d+)?\]$")


def is_matrix_entry(name: str) -> bool:
    """True for a matrix entry (`W2[0,0]`, `δ2[0]`, `Z1[0,3]`) rather than a per-neuron name."""
    return bool(MATRIX_ENTRY.match(name))


@lru_cache(maxsize=16)
def _names_by_entry(spec: str) -> dict[str, str]:
    """Matrix entry → per-neuron name, from the notation card of `spec`'s matrix form."""
    from tutor.engine.matrix import matrix_step
    from tutor.experiments.builtin_examples import resolve

    example, _ = resolve(spec)
    card = matrix_step(example).card
    names: dict[str, str] = {}
    for name, (matrix, (i, j)) in card.items():
        names[f"{matrix}[{i},{j}]"] = name
        if j == 0:
            names.setdefault(f"{matrix}[{i}]", name)
    return names


def scalar_name_of(spec: str, entry: str) -> str:
    """The per-neuron name a matrix entry of `spec` stands for (`W2[0,0]` → `w5`); else KeyError."""
    if not spec:
        raise NotFound(f"{entry!r}: a matrix entry needs the step's trace, example or network")
    names = _names_by_entry(spec)
    if entry not in names:
        raise NotFound(f"{entry!r} is not an entry of the matrix form of {spec!r}")
    return names[entry]


def valid_trace_name(name: str) -> bool:
    """True for a traced value's name in the lesson's notation (`out_h1`, `dE_total/dw5`, `w5+`)."""
    return bool(TRACE_NAME.match(name))


def network_spec(lesson_path: Path, value: str) -> str:
    """The trace spec of a lesson's network file, resolved relative to the lesson's folder.

    The file must be inside that folder (an absolute path or a `..` leading out of it is an
    error) and must load: ValueError says what is wrong.
    """
    folder = Path(lesson_path).resolve().parent
    relative = PurePosixPath(value)
    if relative.is_absolute() or PureWindowsPath(value).is_absolute() or value.startswith("~"):
        raise ValueError(f"expected a path relative to the lesson's folder, got {value!r}")
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder):
        raise ValueError(f"{value!r} leads out of the lesson's folder ({folder})")
    if "@" in str(target):
        raise ValueError(f"{value!r}: a network file's path cannot contain '@'")
    from tutor.engine.netfile import load_network_file

    load_network_file(target)  # NetFileError (a ValueError) names the file and field
    return NETWORK_PREFIX + str(target)


def parse_trace_spec(spec: str) -> tuple[str, str]:
    """`mazur@updated-weights` → ("mazur", "updated-weights"); ValueError if malformed."""
    match = TRACE_SPEC.match(spec)
    if not match:
        raise ValueError(
            f'expected EXAMPLE or EXAMPLE@VARIANT such as "mazur@updated-weights", got "{spec}"'
        )
    return match.group(1), match.group(2) or ""


def parse_computed(ref: str) -> tuple[str, str, str]:
    """`trace:SPEC:NAME` → ("trace", SPEC, NAME); `experiment:ID:KEY` → ("experiment", ID, KEY).

    SPEC is EXAMPLE[@VARIANT], or a lesson's network file as the loader resolved it
    (`network:/…/nets/x.toml`, from the `trace:nets/x.toml:NAME` a lesson writes)."""
    expected = 'expected "trace:EXAMPLE[@VARIANT]:NAME" or "experiment:ID:KEY"'
    kind, _, rest = ref.partition(":")
    if kind == "trace":
        where, _, key = rest.rpartition(":")  # a traced value's name holds no ':'
        parts = [kind, where, key] if where else [ref]
    else:
        parts = ref.split(":", 2)
    if len(parts) != 3 or parts[0] not in ("trace", "experiment"):
        raise ValueError(f'{expected}, got "{ref}"')
    kind, where, key = parts
    if kind == "trace":
        if not where.startswith(NETWORK_PREFIX):
            parse_trace_spec(where)
        if not valid_trace_name(key):
            raise ValueError(f'{expected}; "{key}" is not a traced value\'s name')
    else:
        if not re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", where):
            raise ValueError(f'{expected}; "{where}" is not an experiment id')
        if not EXPERIMENT_KEY.match(key):
            raise ValueError(f'{expected}; "{key}" is not a result key (name, name[0], name.sub)')
    return kind, where, key


def computed_network_file(lesson_path: Path, ref: str) -> str:
    """A figure's `trace:nets/x.toml[@VARIANT]:NAME` with the file resolved like a step's
    `network` (in the lesson's folder, loaded and checked): `trace:network:/…/x.toml:NAME`.
    Other references come back unchanged; ValueError says what is wrong."""
    kind, _, rest = ref.partition(":")
    where, _, key = rest.rpartition(":")
    if kind != "trace" or not where:
        return ref
    if where.startswith(NETWORK_PREFIX):
        raise ValueError(
            f'name the network file relative to the lesson, "trace:nets/x.toml:NAME", got "{ref}"'
        )
    path, at, variant = where.partition("@")
    if not path.endswith(".toml"):
        return ref
    return f"trace:{network_spec(lesson_path, path)}{at}{variant}:{key}"


@lru_cache(maxsize=32)
def get_trace(spec: str) -> Trace:
    """The Trace of one step of the example (and variant) named by `spec`; cached."""
    if not spec.startswith(NETWORK_PREFIX):
        parse_trace_spec(spec)  # ValueError when malformed
    from tutor.experiments.builtin_examples import trace_reference

    return trace_reference(spec)


def _follow(value: Any, path: str) -> Any:
    """Follow `.name` and `[i]` steps; a name may itself contain dots (`lr_0.1_seed_0`)."""
    if not path:
        return value
    if path.startswith("["):
        close = path.index("]")
        return _follow(value[int(path[1:close])], path[close + 1 :])
    path = path[1:] if path.startswith(".") else path
    if not isinstance(value, dict):
        raise KeyError(path)
    # Longest name first: "xor_epochs_lr_0.1_seed_0" before "xor_epochs_lr_0".
    ends = [k for k, ch in enumerate(path) if ch in ".["] + [len(path)]
    for end in reversed(ends):
        if path[:end] in value:
            try:
                return _follow(value[path[:end]], path[end:])
            except (KeyError, IndexError, TypeError, ValueError):
                continue
    raise KeyError(path)


def experiment_value(result: dict[str, Any], key: str) -> Any:
    """Follow `name`, `name[0]`, `name.sub` into an experiment's result; KeyError naming the key."""
    try:
        return _follow(result, key)
    except (KeyError, IndexError, TypeError, ValueError):
        pass
    names = sorted(k for k in result if not k.startswith("_"))
    known = ", ".join(names[:8]) + (f", … ({len(names)} in all)" if len(names) > 8 else "")
    raise NotFound(f"no result {key!r} (results: {known})") from None


def resolve_computed(ref: str, progress=None) -> float:
    """The float a figure's `computed` reference names (runs an experiment if needed, cached)."""
    kind, where, key = parse_computed(ref)
    if kind == "trace":
        return float(get_trace(where).value(key))
    from tutor.experiments import run_experiment

    value = experiment_value(run_experiment(where, progress), key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)  # NumPy scalars
        except (TypeError, ValueError):
            raise NotFound(f"result {key!r} is not a number") from None
    return float(value)


def _has_trace(spec: str) -> bool:
    try:
        get_trace(spec)
    except (KeyError, ValueError):
        return False
    return True


def check_references(lesson: Lesson) -> list[LessonError]:
    """Every trace name and experiment id the lesson refers to exists.

    Experiments are not run, except those a predict step asks a value of (to check the value
    exists and is a number; results are cached, so a lesson's experiments run once).
    """
    from tutor.experiments.registry import get_experiment

    errors: list[LessonError] = []

    def problem(field: str, message: str, step: int | None = None) -> None:
        errors.append(LessonError(lesson.path or lesson.id, message, field, step))

    def trace_has(spec: str, names: list[str], field: str, step: int | None) -> None:
        try:
            trace = get_trace(spec)
        except (KeyError, ValueError) as error:
            problem(field, error.args[0] if error.args else str(error), step)
            return
        for name in names:
            if name not in trace:
                problem(field, f"{name!r} is not a value of the trace {spec!r}", step)

    def experiment_exists(experiment_id: str, field: str, step: int | None) -> None:
        try:
            get_experiment(experiment_id)
        except KeyError as error:
            problem(field, error.args[0], step)

    def experiment_has(experiment_id: str, key: str, field: str, step: int) -> None:
        """A predict step's experiment exists and its result has the number `key` (runs it)."""
        from tutor.lessons.experiment_values import experiment_prediction

        try:
            get_experiment(experiment_id)
        except KeyError as error:
            problem(f"{field}.experiment", error.args[0], step)
            return
        try:
            experiment_prediction(experiment_id, key)
        except (KeyError, ValueError) as error:
            problem(f"{field}.target", error.args[0] if error.args else str(error), step)

    for k, figure in enumerate(lesson.figures, start=1):
        kind, where, key = parse_computed(figure.computed)
        field = f"figures[{k}].computed"
        if kind == "trace":
            trace_has(where, [key], field, None)
        else:
            experiment_exists(where, field, None)
    for number, step in enumerate(lesson.steps, start=1):
        field = f"steps[{number}]"
        if isinstance(step, RevealStep):
            trace_has(step.trace, list(step.names), f"{field}.names", number)
            if not step.names and step.trace and _has_trace(step.trace):
                if not get_trace(step.trace).phase(step.phase):
                    problem(
                        f"{field}.phase",
                        f"the trace {step.trace!r} has no {step.phase!r} values",
                        number,
                    )
        elif isinstance(step, PredictStep) and step.experiment:
            experiment_has(step.experiment, step.target, field, number)
        elif isinstance(step, PredictStep):
            trace_has(step.trace, [step.target], f"{field}.target", number)
        elif isinstance(step, DeriveStep) and step.target not in ACTIVATION_TARGETS:
            trace_has(step.trace, [step.target], f"{field}.target", number)
        elif isinstance(step, RunStep):
            experiment_exists(step.experiment, f"{field}.experiment", number)
        elif isinstance(step, CompareStep):
            for experiment_id in step.experiments:
                experiment_exists(experiment_id, f"{field}.experiments", number)
        variant = variant_of(step)
        if variant:
            trace_has(_variant_spec(lesson, step, variant), [], f"{field}.variant", number)
    return errors + _prose_network_errors(lesson)


def _prose_network_errors(lesson: Lesson) -> list[LessonError]:
    """The network each prose step names resolves (it is shown, never traced value by value)."""
    from tutor.experiments.builtin_examples import resolve

    errors = []
    for number, step in enumerate(lesson.steps, start=1):
        if isinstance(step, ProseStep) and step.trace:
            try:
                resolve(step.trace)
            except (KeyError, ValueError) as error:
                message = error.args[0] if error.args else str(error)
                where = f"steps[{number}].example"
                errors.append(LessonError(lesson.path or lesson.id, message, where, number))
    return errors


def _variant_spec(lesson: Lesson, step: Step, variant: str) -> str:
    """`EXAMPLE@VARIANT` for a step's variant: its own trace's example, or its figure's."""
    base = trace_of(step).split("@")[0]
    figure = step.figure if isinstance(step, ErrataStep) else ""
    source = next((f for f in lesson.figures if f.id == figure), None)
    if not base and source is not None:
        base = parse_computed(source.computed)[1].split("@")[0]
    return f"{base}@{variant}"
