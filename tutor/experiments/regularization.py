"""Lesson 8's experiment: L2 and inverted dropout on a small network that over-fits.

The slides (003) explain L2 and dropout without numbers; this set-up is our
construction: 40 noisy "two moons" points to train on, 500 held out from the same
distribution, a 2-64-64-1 ReLU network trained long enough to memorise its data.
"""

from __future__ import annotations

import numpy as np

from tutor.engine import Init, TrainConfig, build, get_loss, train
from tutor.engine.stacked import train_stacked
from tutor.experiments.lab_tools import accuracy, boundary, epoch_reporter
from tutor.experiments.registry import (
    cached_result,
    check_progress,
    experiment,
    remember,
    run_cache,
)

SOURCE = "our construction for the regularization slides of 003_bd86bf8af1f2b77a.txt"
EPOCHS = 4000
LEARNING_RATE = 0.1
L2 = 0.01
KEEP_PROB = 0.5
SIZES = [2, 64, 64, 1]


def moons(n: int, rng: np.random.RandomState, noise: float = 0.35):
    """`n` points of two interleaved half-circles with Gaussian noise; labels 0/1."""
    y = rng.randint(0, 2, n)
    t = rng.rand(n) * np.pi
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1 - np.cos(t), 0.5 - np.sin(t)]
    X = np.where(y[:, None] == 0, upper, lower) + rng.randn(n, 2) * noise
    return X, y.astype(float)[:, None]


def data():
    """(X_train, T_train, X_held_out, T_held_out), seeded."""
    rng = np.random.RandomState(0)
    X, T = moons(40, rng)
    X_test, T_test = moons(500, rng)
    return X, T, X_test, T_test


def _network(keep_prob: float = 1.0):
    """The lesson's 2-64-64-1 ReLU network (He init, seed 1), dropout on its hidden layers."""
    net = build(SIZES, ["relu", "relu", "sigmoid"], Init("he"), seed=1)
    for layer in net.layers[1:]:  # dropout on the hidden layers' outputs (inverted: ÷p)
        layer.keep_prob = keep_prob
    return net


# The lesson's network trained per (λ, keep p) in this process: (net, history), each trained
# once whichever experiment asked first (the sweep, the side-by-side run and the L2-linearity
# step share the lesson's runs; every use only reads the networks).
_TRAINED: dict[tuple[float, float], tuple] = run_cache()


def _train_together(settings: list[tuple[float, float]], progress=None) -> list:
    """The lesson's network trained once per (λ, keep p), all in one stack: (net, history) each.

    Each run ends exactly as `train()` alone would leave it (`tutor.engine.stacked`); progress
    reports the first run's loss. Settings trained before in this process are not trained again.
    """
    missing = [s for s in dict.fromkeys(settings) if s not in _TRAINED]
    if missing:
        X, T, _, _ = data()
        nets = [_network(keep_prob) for _, keep_prob in missing]
        configs = [
            TrainConfig(LEARNING_RATE, EPOCHS, rule="batch", seed=0, l2=l2) for l2, _ in missing
        ]
        report = epoch_reporter(progress, EPOCHS)
        histories = train_stacked(
            nets,
            X,
            T,
            get_loss("bce"),
            configs,
            lambda e, losses, _: report(e, float(losses[0]), None),
        )
        _TRAINED.update(zip(missing, zip(nets, histories)))
    return [_TRAINED[s] for s in settings]


def _run_result(label: str, net, history) -> dict:
    """A run's results: loss curve, train and held-out accuracy, Σw², boundary, summary."""
    X, T, X_test, T_test = data()
    train_acc, test_acc = accuracy(net, X, T), accuracy(net, X_test, T_test)
    weight_norm = float(sum(np.sum(layer.W**2) for layer in net.layers))
    return {
        "loss_curve": list(history.losses),  # a network's history may serve several runs
        "loss_epochs": list(range(1, EPOCHS + 1)),
        "train_accuracy": train_acc,
        "held_out_accuracy": test_acc,
        "accuracy": test_acc,
        "final_loss": history.losses[-1],
        "weight_norm": weight_norm,
        "summary": (
            f"{label}: train accuracy {train_acc:.1%}, held-out accuracy {test_acc:.1%} "
            f"(gap {train_acc - test_acc:+.1%}); Σw² = {weight_norm:.1f}."
        ),
        "boundary": boundary(net, X, T[:, 0], (-1.6, 2.6), (-1.4, 1.9)),
    }


def _run(label: str, l2: float, keep_prob: float, progress=None) -> dict:
    """One lesson run's results; its network is trained here unless another experiment did.

    The first of the lesson's three runs asked trains the others not trained yet alongside (one
    stack: 1.5-1.8 single runs' CPU for the three): the lesson shows all three, and each is
    `train()`'s run alone, bit for bit. Progress reports the run asked for.
    """
    if (l2, keep_prob) not in _TRAINED:
        _train_together([(l2, keep_prob), *LESSON_RUNS.values()], progress)
    return _run_result(label, *_TRAINED[l2, keep_prob])


def _label(l2: float, keep_prob: float) -> str:
    if l2:
        return f"L2, λ = {l2:g}"
    return f"Dropout, p = {keep_prob:g}" if keep_prob < 1.0 else "No regularization"


# The lesson's three runs, each its own experiment: id → (λ, keep p).
LESSON_RUNS = {
    "regularization_none": (0.0, 1.0),
    "regularization_l2": (L2, 1.0),
    "regularization_dropout": (0.0, KEEP_PROB),
}


def _results_together(settings: list[tuple[float, float]], progress=None) -> list[dict]:
    """Results of the runs (λ, keep p), as `_run` gives them, the missing ones trained together.

    A setting that is one of LESSON_RUNS is taken from that experiment when it already ran in
    this process, and remembered as its result when it is trained here (the same numbers).
    """
    ids = {setting: id for id, setting in LESSON_RUNS.items()}
    results: dict[tuple[float, float], dict] = {}
    for s in settings:
        cached = cached_result(ids[s]) if s in ids else None
        if cached is not None:
            results[s] = cached
    missing = [s for s in settings if s not in results]
    if missing:
        for s, (net, history) in zip(missing, _train_together(missing, progress)):
            result = results[s] = _run_result(_label(*s), net, history)
            if s in ids:
                remember(ids[s], result)
    return [results[s] for s in settings]


@experiment("regularization_none", "No regularization: the network memorises its data", SOURCE)
def regularization_none(progress=None) -> dict:
    """2-64-64-1 ReLU on 40 noisy points, 4000 epochs of batch gradient descent, lr 0.1."""
    return _run("No regularization", 0.0, 1.0, progress)


@experiment("regularization_l2", f"L2 weight decay, λ = {L2:g}", SOURCE)
def regularization_l2(progress=None) -> dict:
    """The same run with dE/dW + λ·W (weight decay)."""
    return _run(f"L2, λ = {L2:g}", L2, 1.0, progress)


@experiment(
    "regularization_dropout", f"Inverted dropout, keep probability p = {KEEP_PROB:g}", SOURCE
)
def regularization_dropout(progress=None) -> dict:
    """The same run with each hidden unit kept with probability p (scaled by 1/p in training)."""
    return _run(f"Dropout, p = {KEEP_PROB:g}", 0.0, KEEP_PROB, progress)


@experiment("regularization", "Over-fitting, L2 and dropout side by side", SOURCE)
def regularization(progress=None) -> dict:
    """The three runs, train vs held-out accuracy in one table (those not run yet: together)."""
    runs = [
        ("none", "regularization_none"),
        (f"L2 λ = {L2:g}", "regularization_l2"),
        (f"dropout p = {KEEP_PROB:g}", "regularization_dropout"),
    ]
    together = _results_together([LESSON_RUNS[id] for _, id in runs], progress)
    rows, results = [], {}
    for (label, experiment_id), result in zip(runs, together):
        results[experiment_id] = result
        rows.append(
            [
                label,
                result["train_accuracy"],
                result["held_out_accuracy"],
                result["final_loss"],
                result["weight_norm"],
            ]
        )
    none, l2, drop = (results[e] for _, e in runs)
    return {
        "tables": {
            "accuracy": {
                "columns": ["regularization", "train acc.", "held-out acc.", "final loss", "Σw²"],
                "rows": rows,
                "caption": "40 training points, 500 held out; 2-64-64-1 ReLU, 4000 epochs, lr 0.1",
            }
        },
        "summary": (
            f"Without regularization the network fits its 40 training points "
            f"{none['train_accuracy']:.0%} but only {none['held_out_accuracy']:.1%} of the "
            f"held-out ones. L2 (λ = {L2:g}) gives up some training accuracy "
            f"({l2['train_accuracy']:.1%}) for {l2['held_out_accuracy']:.1%} held out; dropout "
            f"(p = {KEEP_PROB:g}) gets {drop['train_accuracy']:.1%} / "
            f"{drop['held_out_accuracy']:.1%}."
        ),
        "loss_curve": none["loss_curve"],
        "loss_epochs": none["loss_epochs"],
        "train_accuracy_none": none["train_accuracy"],
        "held_out_accuracy_none": none["held_out_accuracy"],
        "train_accuracy_l2": l2["train_accuracy"],
        "held_out_accuracy_l2": l2["held_out_accuracy"],
        "train_accuracy_dropout": drop["train_accuracy"],
        "held_out_accuracy_dropout": drop["held_out_accuracy"],
    }


SWEEP_KEEP_PROBS = (0.3, 0.5, 0.7, 0.9, 1.0)


@experiment("regularization_dropout_sweep", "Dropout: the keep probability p swept", SOURCE)
def regularization_dropout_sweep(progress=None) -> dict:
    """The lesson's network trained with p = 0.3, 0.5, 0.7, 0.9 and 1 (no dropout), together;
    p = 0.5 and p = 1 are the lesson's runs (taken from them when they already ran)."""
    results = _results_together([(0.0, p) for p in SWEEP_KEEP_PROBS], progress)
    rows, held_out = [], {}
    for keep_prob, result in zip(SWEEP_KEEP_PROBS, results):
        held_out[keep_prob] = result["held_out_accuracy"]
        rows.append(
            [
                f"{keep_prob:g}",
                result["train_accuracy"],
                result["held_out_accuracy"],
                result["final_loss"],
                result["weight_norm"],
            ]
        )
    best = max(SWEEP_KEEP_PROBS, key=lambda p: (held_out[p], -p))
    return {
        "tables": {
            "sweep": {
                "columns": ["keep p", "train acc.", "held-out acc.", "final loss", "Σw²"],
                "rows": rows,
                "caption": (
                    "Dropout on both hidden layers, keep probability p (1 = no dropout); "
                    "40 training points, 500 held out, 4000 epochs"
                ),
            }
        },
        "summary": (
            f"Held-out accuracy is highest at p = {best:g} ({held_out[best]:.1%}); "
            f"without dropout (p = 1) it is {held_out[1.0]:.1%}."
        ),
    }


LINEARITY_LAMBDAS = (0.0, 0.01, 0.1, 1.0)


LINE_EPOCHS = 3000


def linear_agreement(net, points: np.ndarray) -> float:
    """How linear the network's decisions are: the share of `points` on which the best linear
    boundary (a logistic regression fitted, by the engine, to the network's own decisions there)
    decides as the network does. 1.0: the network's boundary is a straight line."""
    return linear_agreements([net], points)[0]


def linear_agreements(nets, points: np.ndarray, on_epoch=None) -> list[float]:
    """`linear_agreement` of each network; the logistic regressions are fitted in one stack."""
    decisions = [(net.predict(points)[:, 0] > 0.5).astype(float)[:, None] for net in nets]
    # One class everywhere: a constant, the simplest function of all (agreement 1).
    varied = [k for k, d in enumerate(decisions) if d.min() != d.max()]
    agreements = [1.0] * len(nets)
    lines = [build([2, 1], ["sigmoid"], Init("zeros"), seed=0) for _ in varied]
    if lines:
        targets = np.stack([decisions[k] for k in varied])
        config = TrainConfig(1.0, LINE_EPOCHS, rule="batch")
        # Only the fitted lines are read: no loss value per epoch.
        train_stacked(lines, points, targets, get_loss("bce"), config, on_epoch, loss_values=False)
        for k, line in zip(varied, lines):
            agreements[k] = accuracy(line, points, decisions[k])
    return agreements


@experiment(
    "regularization_l2_linearity",
    "L2: does it reduce the network to a linear function?",
    f"{SOURCE}: 'Complex nonlinearity reduced to linear function after application of L2'",
)
def regularization_l2_linearity(progress=None) -> dict:
    """The lesson's network trained with λ = 0, 0.01, 0.1, 1: held-out accuracy, Σw², and how
    far its decisions are from the best straight line over the plotted region."""
    X, T, X_test, T_test = data()
    xs, ys = np.linspace(-1.6, 2.6, 60), np.linspace(-1.4, 1.9, 50)
    grid = np.array([[a, b] for b in ys for a in xs])
    # The four networks train together, then their four straight-line fits: progress over both.
    total = EPOCHS + LINE_EPOCHS

    def report_fit(epoch, losses, _layers):
        if epoch % 100 == 0:
            check_progress(progress, EPOCHS + epoch, total)

    trained = _train_together(
        [(l2, 1.0) for l2 in LINEARITY_LAMBDAS],
        None if progress is None else lambda done, _total, loss=None: progress(done, total, loss),
    )
    nets = [net for net, _ in trained]
    agreements = linear_agreements(nets, grid, report_fit)
    rows: list[list[object]] = []
    results: dict = {}
    for l2, net, agree in zip(LINEARITY_LAMBDAS, nets, agreements):
        weight_norm = float(sum(np.sum(layer.W**2) for layer in net.layers))
        held_out = accuracy(net, X_test, T_test)
        results[f"linear_agreement_l2_{l2:g}"] = agree
        results[f"held_out_accuracy_l2_{l2:g}"] = held_out
        rows.append([f"{l2:g}", accuracy(net, X, T), held_out, weight_norm, agree])
    line_only = build([2, 1], ["sigmoid"], Init("zeros"), seed=0)
    train(line_only, X, T, get_loss("bce"), TrainConfig(1.0, LINE_EPOCHS, rule="batch"))
    results["held_out_accuracy_linear_model"] = accuracy(line_only, X_test, T_test)
    results["tables"] = {
        "l2_linearity": {
            "columns": ["λ", "train acc.", "held-out acc.", "Σw²", "as a straight line"],
            "rows": rows,
            "caption": (
                "'as a straight line': the share of the plotted region where the best straight "
                "boundary decides as the network does (1 = the network is a linear classifier)"
            ),
        }
    }
    share = {l2: results[f"linear_agreement_l2_{l2:g}"] for l2 in LINEARITY_LAMBDAS}
    held = {l2: results[f"held_out_accuracy_l2_{l2:g}"] for l2 in LINEARITY_LAMBDAS}
    linear_model = results["held_out_accuracy_linear_model"]
    results["summary"] = (
        f"The slides say L2 'reduces the complex nonlinearity to a linear function'. Measured: a "
        f"straight line matches the unregularized network's decisions on {share[0.0]:.0%} of the "
        f"plotted region, the λ = 0.01 network's on {share[0.01]:.0%}, and λ = 0.1's on "
        f"{share[0.1]:.1%}: L2 pushes the function towards a simpler, smoother one, and a strong "
        f"λ makes it nearly linear, but then it is no better than a linear model (held out "
        f"{held[0.1]:.1%}, against {linear_model:.1%} for a logistic regression on the same 40 "
        f"points). At λ = 1 every weight decays to about 0 and the network says one class "
        f"everywhere ({held[1.0]:.1%} held out). The useful λ (0.01 here, {held[0.01]:.1%}) sits "
        f"in between: smoother than no L2, not yet linear."
    )
    return results
