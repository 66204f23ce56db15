"""Lesson 3's experiments: activations and their slopes, vanishing gradients, the tanh lab.

The slides (003) ask for "a neural network which takes tanh as the activation
function and updates weights with respect to the tanh gradients" but print no
numbers for it; the networks here are our construction, labelled as such.
"""

from __future__ import annotations

import numpy as np

from tutor.engine import Init, TrainConfig, build, get_activation, get_loss, train
from tutor.engine import traced_step as _traced_step
from tutor.engine.network import Cache, dense
from tutor.engine.stacked import train_stacked
from tutor.experiments.builtin_examples import get_example
from tutor.experiments.lab_tools import accuracy, boundary, epoch_reporter
from tutor.experiments.registry import check_progress, experiment

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_T = np.array([[0], [1], [1], [0]], dtype=float)
OURS = "our construction for the tanh lab of 003_bd86bf8af1f2b77a.txt (the slides print no numbers)"
SLOPE_POINTS = (-6.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 6.0)


@experiment("activation_slopes", "Activations and their slopes at a few points", OURS)
def activation_slopes(progress=None) -> dict:
    """f(z) and f'(z) of sigmoid, tanh, ReLU and leaky ReLU: where they saturate."""
    z = np.array(SLOPE_POINTS)
    rows = []
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        act = get_activation(name)
        out = act.forward(z[None, :])[0]
        slope = act.slope(z[None, :], out[None, :])[0]
        rows.append([f"{name}(z)", *map(float, out)])
        rows.append([f"{name}'(z)", *map(float, slope)])
    return {
        "tables": {
            "slopes": {
                "columns": ["z", *(f"{v:g}" for v in SLOPE_POINTS)],
                "rows": rows,
                "caption": "Activation values and slopes: sigmoid' peaks at 0.25, tanh' at 1",
            }
        },
        "summary": (
            "At |z| = 6 the sigmoid's slope is 0.0025 and tanh's 0.000025: a saturated unit "
            "passes almost no gradient back. ReLU's slope is 1 for every z > 0 and 0 below; "
            "leaky ReLU keeps 0.01 below zero so a unit never dies completely."
        ),
        "sigmoid_slope_max": 0.25,
    }


@experiment("vanishing_gradients", "Gradient size per layer in a deep network", OURS)
def vanishing_gradients(progress=None) -> dict:
    """|dE/dW| per layer of an 8-hidden-layer network at initialisation, per activation."""
    sizes = [2] + [16] * 8 + [1]
    rng = np.random.RandomState(0)
    X = rng.randn(32, 2)
    T = (X[:, :1] * X[:, 1:] > 0).astype(float)
    loss = get_loss("bce")
    columns = ["layer"]
    norms = {}
    for name, init in (("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "he")):
        net = build(sizes, [name] * 8 + ["sigmoid"], Init(init), seed=0)
        _, grads = net.gradients(X, T, loss)
        norms[name] = [float(np.sqrt(np.mean(dW**2))) for dW in grads.dW]
        columns.append(f"{name} ({init})")
    rows = [[k + 1, *(norms[name][k] for name in norms)] for k in range(len(sizes) - 1)]
    ratio = {name: norms[name][0] / norms[name][-1] for name in norms}
    return {
        "tables": {
            "gradient_rms": {
                "columns": columns,
                "rows": rows,
                "caption": "RMS of dE/dW per layer (1 = first), same data, at initialisation",
            }
        },
        "summary": (
            f"From the last layer back to the first, the gradient shrinks by a factor "
            f"{1 / ratio['sigmoid']:.3g} with sigmoid hidden units, {1 / ratio['tanh']:.3g} "
            f"with tanh and {1 / ratio['relu']:.3g} with ReLU: each sigmoid layer multiplies "
            f"the error by a slope of at most 0.25."
        ),
        "first_to_last_ratio_sigmoid": ratio["sigmoid"],
        "first_to_last_ratio_tanh": ratio["tanh"],
        "first_to_last_ratio_relu": ratio["relu"],
    }


def _xor_run(hidden: str, seed: int, epochs: int, progress=None, stop_below=None) -> dict:
    """A 2-2-1 XOR network, `hidden` units, sigmoid output, E = Σ½(t − out)², lr 0.5, batch."""
    net = build([2, 2, 1], [hidden, "sigmoid"], Init("uniform"), seed=seed)
    loss = get_loss("half_sse")
    report = epoch_reporter(progress, epochs)

    def on_epoch(epoch, value, network):
        report(epoch, value, network)
        if stop_below is not None and value < stop_below:
            return False
        return None

    history = train(net, XOR_X, XOR_T, loss, TrainConfig(0.5, epochs, rule="batch"), on_epoch)
    return {"net": net, "losses": history.losses}


def _xor_runs_until(hidden: str, seeds, epochs: int, stop_below: float, report) -> dict:
    """Each seed's losses as `_xor_run(hidden, seed, epochs, stop_below=stop_below)` gives them,
    the runs trained in one stack (`tutor.engine.stacked`: each run's losses are train()'s
    alone, bit for bit). The stack trains until every run's loss has been below `stop_below`
    (or `epochs`); each run's losses end at its first epoch below, where `_xor_run` stops (the
    epochs after it are trained and dropped: a stack epoch costs little more than one run's).
    `report(k)`: k more runs done (0 every 100 epochs)."""
    nets = [build([2, 2, 1], [hidden, "sigmoid"], Init("uniform"), seed=s) for s in seeds]
    stopped: set[int] = set()

    def on_epoch(epoch: int, values, layers) -> bool:
        before = len(stopped)
        stopped.update(k for k, value in enumerate(values.tolist()) if value < stop_below)
        if len(stopped) > before or epoch % 100 == 0:
            report(len(stopped) - before)
        return len(stopped) < len(nets)

    config = TrainConfig(0.5, epochs, rule="batch")
    histories = train_stacked(nets, XOR_X, XOR_T, get_loss("half_sse"), config, on_epoch)
    report(len(nets) - len(stopped))  # the runs that never got below: done at `epochs`
    losses = {}
    for seed, history in zip(seeds, histories):
        run = history.losses
        losses[seed] = run[: next((k + 1 for k, v in enumerate(run) if v < stop_below), len(run))]
    return losses


def _xor_result(hidden: str, progress=None) -> dict:
    epochs = 5000
    run = _xor_run(hidden, 0, epochs, progress)
    net, losses = run["net"], run["losses"]
    out = net.predict(XOR_X)[:, 0]
    reached = next((k + 1 for k, v in enumerate(losses) if v < 0.05), None)
    rows = [
        [f"{int(a)} {int(b)}", int(t), float(o)] for (a, b), t, o in zip(XOR_X, XOR_T[:, 0], out)
    ]
    acc = accuracy(net, XOR_X, XOR_T)
    return {
        "loss_curve": losses,
        "loss_epochs": list(range(1, epochs + 1)),
        "tables": {
            "predictions": {
                "columns": ["input", "target", "output"],
                "rows": rows,
                "caption": f"XOR after {epochs} epochs, {hidden} hidden units",
            }
        },
        "summary": (
            f"2-2-1 network, {hidden} hidden units, sigmoid output, E = Σ½(t − out)², "
            f"uniform(−1, 1) weights from seed 0, lr 0.5, full batch. E_total fell below 0.05 "
            f"at epoch {reached}; final E_total {losses[-1]:.6f}; accuracy {acc:.0%}."
        ),
        "accuracy": acc,
        "final_loss": losses[-1],
        "epochs_to_0_05": reached if reached is not None else -1,
        "boundary": boundary(net, XOR_X, XOR_T[:, 0], (-0.5, 1.5), (-0.5, 1.5)),
    }


@experiment("tanh_xor", "The tanh lab: XOR with tanh hidden units", OURS)
def tanh_xor(progress=None) -> dict:
    """XOR learned by a 2-2-1 network with tanh hidden units and tanh's own slope 1 − out²."""
    return _xor_result("tanh", progress)


@experiment("sigmoid_xor", "The same XOR network with sigmoid hidden units", OURS)
def sigmoid_xor(progress=None) -> dict:
    """The tanh lab's network and initial weights with sigmoid hidden units, for comparison."""
    return _xor_result("sigmoid", progress)


@experiment("tanh_seeds", "tanh vs sigmoid hidden units over five seeds", OURS)
def tanh_seeds(progress=None) -> dict:
    """Epochs until E_total < 0.05 (at most 3000) for seeds 0-4, tanh and sigmoid hidden units."""
    epochs, seeds = 3000, range(5)
    finished = [0]  # runs done, of 2 × 5: the progress reported

    def report(done_now: int) -> None:
        finished[0] += done_now
        check_progress(progress, finished[0], 2 * len(seeds))

    losses = {
        (hidden, seed): run_losses
        for hidden in ("tanh", "sigmoid")
        for seed, run_losses in _xor_runs_until(hidden, seeds, epochs, 0.05, report).items()
    }
    rows = []
    for seed in seeds:
        row: list[int | str] = [seed]
        for hidden in ("tanh", "sigmoid"):
            run = losses[hidden, seed]
            row.append(len(run) if run[-1] < 0.05 else f"> {epochs} (E = {run[-1]:.3f})")
        rows.append(row)
    return {
        "tables": {
            "epochs_to_0_05": {
                "columns": ["seed", "tanh", "sigmoid"],
                "rows": rows,
                "caption": "Epochs until E_total < 0.05 (2-2-1 XOR, lr 0.5)",
            }
        },
        "summary": (
            "Where both learn XOR, tanh hidden units get there several times faster: their "
            "outputs are centred on 0 and their slope is up to 1 instead of 0.25. Neither is "
            "immune to a bad start: some seeds end in a local minimum (E ≈ 0.25, one input "
            "answered 0.5)."
        ),
    }


@experiment("tanh_worked_example", "The worked example with tanh hidden units", OURS)
def tanh_worked_example(progress=None) -> dict:
    """One traced step of the 2-2-2 example, sigmoid hidden units beside tanh ones."""
    example = get_example("mazur")
    hidden = example.network.layers[0]
    tanh_net = example.network.copy()
    tanh_net.layers[0] = dense(
        hidden.W.copy(), hidden.b.copy(), "tanh", bias_mode="layer", train_bias=False
    )
    names = [
        "out_h1",
        "out_h2",
        "out_o1",
        "out_o2",
        "E_total",
        "dout_h1/dnet_h1",
        "delta_h1",
        "dE_total/dw1",
        "dE_total/dw5",
        "w1+",
        "w5+",
    ]
    traces = {}
    for label, net in (("sigmoid", example.network), ("tanh", tanh_net)):
        trace, updated = _traced_step(
            net, example.x, example.target, example.loss, example.learning_rate
        )
        cache = Cache()
        after = example.loss.value(updated.forward(example.x[None, :], cache), example.target)
        traces[label] = (trace, float(after))
    rows = [
        [name, traces["sigmoid"][0].value(name), traces["tanh"][0].value(name)] for name in names
    ]
    rows.append(["E_total after the step", traces["sigmoid"][1], traces["tanh"][1]])
    s, t = traces["sigmoid"][0], traces["tanh"][0]
    return {
        "tables": {
            "one_step": {
                "columns": ["value", "sigmoid hidden", "tanh hidden"],
                "rows": rows,
                "caption": "One step of the 2-2-2 example; only the hidden activation differs",
            }
        },
        "summary": (
            f"With tanh, out_h1 = tanh(0.3775) = {t.value('out_h1'):.6f} and its slope "
            f"1 − out_h1² = {t.value('dout_h1/dnet_h1'):.6f}, against σ'(net_h1) = "
            f"{s.value('dout_h1/dnet_h1'):.6f}: the gradient reaching w1 is "
            f"{t.value('dE_total/dw1') / s.value('dE_total/dw1'):.2f} times larger."
        ),
        "tanh_out_h1": t.value("out_h1"),
        "tanh_dout_h1_dnet_h1": t.value("dout_h1/dnet_h1"),
        "tanh_dE_total_dw1": t.value("dE_total/dw1"),
    }
