"""A tiny experiment with a value to predict, its given and worked lines and a mistake (tests)."""

from __future__ import annotations

from tutor.experiments.registry import EXPERIMENTS, experiment

ID = "test_predict_values"
RIGHT = 0.4 / 0.7  # a unit's output 0.4 kept by inverted dropout, keep probability 0.7
NO_RESCALE = "Inverted dropout divides a kept unit by the keep probability p."


def predict_values(progress=None) -> dict:
    """One value (`dropped.h1`) with what the student is given, the working and one mistake."""
    return {
        "dropped": {"h1": RIGHT},
        "label": "not a number",
        "given": {"dropped.h1": ["out_h1 = 0.4", "mask m1 = 1, keep probability p = 0.7"]},
        "worked": {"dropped.h1": [f"out_h1·m1/p = 0.4·1/0.7 = {RIGHT:.6f}"]},
        "mistakes": {"dropped.h1": {NO_RESCALE: 0.4}},
    }


def register() -> None:
    """Register the experiment once per process."""
    if ID not in EXPERIMENTS:
        experiment(ID, "Values to predict (test)", "tests")(predict_values)


LESSON = f'''
id = "predict-experiment"
title = "Predicting an experiment's value"
summary = "One prediction of a value no trace holds."
order = 1

[[steps]]
kind = "prose"
text = "Dropout, by hand."

[[steps]]
kind = "predict"
title = "A unit after inverted dropout"
experiment = "{ID}"
target = "dropped.h1"
tolerance = 5e-7
hints = ["Divide by p."]
text = "Compute h1's output after inverted dropout, to 6 decimals."

[[steps]]
kind = "prose"
text = "Done."
'''
