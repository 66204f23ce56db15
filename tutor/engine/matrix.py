"""The same training step in vectors and matrices, the way frameworks write it.

One weight orientation everywhere: W_l has one ROW per neuron of layer l and one column per
input of that layer (as network files write weights), so z = W·a + b. Activations are
columns: A_l is (neurons × samples); one sample is a single column. With the loss of each
sample E_s and the batch loss E = Σ_s E_s (sum) or (1/S)·Σ_s E_s (mean):

    Z_l = W_l·A_{l−1} + b_l            A_l = f(Z_l)
    δ_L = dA_L ⊙ f′(Z_L)               (softmax + cross-entropy: δ_L = A_L − T)
    dA_l = W_{l+1}ᵀ·δ_{l+1}            δ_l = dA_l ⊙ f′(Z_l)
    dW_l = δ_l·A_{l−1}ᵀ  (× 1/S for a mean)          W_l⁺ = W_l − η·dW_l

δ holds each sample's own δ (of its own loss E_s), as the per-neuron trace does. The
notation card maps every scalar name of the per-neuron trace to its matrix entry: w5 = W2[0,0],
delta_o1 = δ2[0], net_h1[3] = Z1[0,3].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from tutor.engine.examples import Example
from tutor.engine.naming import bias_names, layer_label, neuron_names, target_names, weight_names
from tutor.errors import TutorError

EPS = 1e-12  # the clipping of the per-neuron trace's BCE and cross-entropy
# Up to this many weights the notation card names each one; above, it gives their rule.
CARD_WEIGHTS = 5000


@dataclass(frozen=True)
class MatrixStep:
    """One line of the matrix form: `tokens` alternate matrix names and operators."""

    phase: str
    layer: str
    tokens: tuple[str, ...]  # ("Z1", " = ", "W1", "·", "A0", " + ", "b1"): names at even places
    description: str = ""

    @property
    def result(self) -> str:
        return self.tokens[0]

    @property
    def operands(self) -> list[str]:
        return list(self.tokens[2::2])

    @property
    def formula(self) -> str:
        return "".join(self.tokens)


@dataclass
class MatrixTrace:
    """Every matrix of one step, the steps that compute them, and the notation card."""

    title: str
    matrices: dict[str, np.ndarray] = field(default_factory=dict)
    steps: list[MatrixStep] = field(default_factory=list)
    card: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    weight_rules: list[str] = field(default_factory=list)

    def shape(self, name: str) -> str:
        rows, cols = self.matrices[name].shape
        return f"({rows}×{cols})"

    def shapes(self, step: MatrixStep) -> str:
        """`(2×1) = (2×2)·(2×1) + (1×1)`: the step's formula in its operands' shapes."""
        return "".join(
            self.shape(t) if k % 2 == 0 else t for k, t in enumerate(step.tokens) if t != ""
        )

    def entry(self, scalar_name: str) -> float:
        """The value of the matrix entry a scalar name maps to."""
        matrix, index = self.card[scalar_name]
        return float(self.matrices[matrix][index])

    def card_entry(self, scalar_name: str) -> str:
        """`W2[0,0]`, or `δ2[0]` when the matrix is one column (a single sample)."""
        matrix, (i, j) = self.card[scalar_name]
        if self.matrices[matrix].shape[1] == 1 and not matrix.startswith(("W", "dW")):
            return f"{matrix}[{i}]"
        return f"{matrix}[{i},{j}]"


def _loss_elementwise(
    name: str, A: np.ndarray, T: np.ndarray, a: str
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """(E per output and sample, dE/dA, tokens of E, tokens of dE/dA), as the scalar trace.

    `a` is the name of the output matrix (A2); the tokens alternate names and operators.
    """
    n = A.shape[0]
    e_tokens: tuple[str, ...]
    if name == "half_sse":
        e_tokens = ("E", " = ½·(", "T", " − ", a, ")²")
        return 0.5 * (T - A) ** 2, -(T - A), e_tokens, (" = ", a, " − ", "T")
    if name == "mse":
        e_tokens = ("E", " = (", "T", " − ", a, f")²/{n}")
        return (T - A) ** 2 / n, 2.0 * (A - T) / n, e_tokens, (" = 2·(", a, " − ", "T", f")/{n}")
    if name == "bce":
        p = np.clip(A, EPS, 1.0 - EPS)
        E = -(T * np.log(p) + (1.0 - T) * np.log(1.0 - p))
        e_tokens = ("E", " = −(", "T", "⊙ln ", a, " + (1 − ", "T", ")⊙ln(1 − ", a, "))")
        g_tokens = (" = (", a, " − ", "T", ")/(", a, "⊙(1 − ", a, "))")
        return E, (p - T) / (p * (1.0 - p)), e_tokens, g_tokens
    if name == "cross_entropy":
        p = np.maximum(A, EPS)
        return -T * np.log(p), -T / p, ("E", " = −", "T", "⊙ln ", a), (" = −", "T", "/", a)
    raise ValueError(f"no matrix form for loss {name!r}")


def matrix_step(example: Example, title: str | None = None) -> MatrixTrace:
    """The matrix form of one step of `example` (one sample or a batch), with its card."""
    net, loss = example.network, example.loss
    X = np.atleast_2d(np.asarray(example.x, dtype=float))
    T = np.atleast_2d(np.asarray(example.target, dtype=float))
    n_samples, n_layers = X.shape[0], len(net.layers)
    mean = loss.reduction == "mean" and example.is_batch
    tr = MatrixTrace(title or f"{example.title}: matrix form")
    tr.meta = {
        "example": example.name,
        "sizes": net.sizes,
        "activations": [layer.activation.name for layer in net.layers],
        "loss": loss.name,
        "learning_rate": example.learning_rate,
        "orientation": "rows = neurons of the layer, columns = its inputs (z = W·a + b)",
    }
    if example.is_batch:
        tr.meta.update({"samples": n_samples, "reduction": loss.reduction})
    if example.note:
        tr.meta["note"] = example.note
    m = tr.matrices
    m["A0"] = X.T.copy()
    m["T"] = T.T.copy()
    m["η"] = np.array([[example.learning_rate]])
    for k, layer in enumerate(net.layers, start=1):
        m[f"W{k}"] = layer.W.T.copy()
        if layer.bias_mode != "none":
            m[f"b{k}"] = layer.b.reshape(-1, 1).copy()

    _matrix_forward(tr, example)
    dA, g_tokens = _matrix_error(tr, example, n_samples, mean)
    fused = net.layers[-1].activation.name == "softmax" and loss.name == "cross_entropy"
    for k in range(n_layers, 0, -1):
        _matrix_delta(tr, example, k, dA, g_tokens, fused)
        _matrix_gradients(tr, example, k, n_samples, mean)
    _matrix_update(tr, example)
    tr.card = notation_card(example, fused)
    tr.weight_rules = weight_rules(net.sizes)
    return tr


def _record(
    tr: MatrixTrace, phase: str, layer: str, tokens: tuple[str, ...], value, description: str = ""
) -> None:
    """One step of the matrix form: its result (tokens[0]) stored as a 2-D matrix."""
    tr.matrices[tokens[0]] = np.atleast_2d(np.asarray(value, dtype=float))
    tr.steps.append(MatrixStep(phase, layer, tokens, description))


def _matrix_forward(tr: MatrixTrace, example: Example) -> None:
    """Z = W·A + b and A = f(Z), layer by layer."""
    net, m = example.network, tr.matrices
    step = partial(_record, tr)
    n_layers = len(net.layers)
    for k, layer in enumerate(net.layers, start=1):
        label = layer_label(k - 1, n_layers)
        Z = m[f"W{k}"] @ m[f"A{k - 1}"]
        tokens: tuple[str, ...] = (f"Z{k}", " = ", f"W{k}", "·", f"A{k - 1}")
        if layer.bias_mode != "none":
            Z = Z + m[f"b{k}"]
            tokens += (" + ", f"b{k}")
        step("forward", label, tokens, Z, "net inputs: each row a neuron, each column a sample")
        act = layer.activation
        A = act.forward(Z.T).T
        step("forward", label, (f"A{k}", f" = {act.name}(", f"Z{k}", ")"), A, "outputs")


def _matrix_error(
    tr: MatrixTrace, example: Example, n_samples: int, mean: bool
) -> tuple[np.ndarray, tuple[str, ...]]:
    """E per output and sample, then E_total; returns dE/dA of the outputs and its tokens."""
    m = tr.matrices
    step = partial(_record, tr)
    L = len(example.network.layers)
    E, dA, e_tokens, g_tokens = _loss_elementwise(example.loss.name, m[f"A{L}"], m["T"], f"A{L}")
    step("error", "output", e_tokens, E, "each output's error, per sample")
    m["1"] = np.ones((E.shape[0], 1))
    per_sample = m["1"].T @ E
    if n_samples > 1:
        step("error", "output", ("Es", " = ", "1", "ᵀ·", "E"), per_sample, "each sample's error")
        total = per_sample.sum() / n_samples if mean else per_sample.sum()
        how = f"(1/{n_samples})·Σ_s" if mean else "Σ_s"
        step("error", "output", ("E_total", f" = {how} ", "Es"), total, f"the batch's {how}")
    else:
        step("error", "output", ("E_total", " = ", "1", "ᵀ·", "E"), per_sample, "total error")
    return dA, g_tokens


def _matrix_delta(
    tr: MatrixTrace,
    example: Example,
    k: int,
    dA: np.ndarray,
    g_tokens: tuple[str, ...],
    fused: bool,
) -> None:
    """δk = ∂E/∂Zk: from the loss (output layer) or the layer above, through f′ or softmax."""
    net, m = example.network, tr.matrices
    step = partial(_record, tr)
    n_layers = len(net.layers)
    label = layer_label(k - 1, n_layers)
    act = net.layers[k - 1].activation
    if k == n_layers and fused:
        step(
            "backward",
            label,
            (f"δ{k}", " = ", f"A{k}", " − ", "T"),
            m[f"A{k}"] - m["T"],
            "softmax + cross-entropy: δ = A − T",
        )
        return
    if k == n_layers:
        tokens = (f"dA{k}", *g_tokens)
        step("backward", label, tokens, dA, "∂E_s/∂A: how each sample's error changes")
    else:
        tokens = (f"dA{k}", " = ", f"W{k + 1}", "ᵀ·", f"δ{k + 1}")
        step(
            "backward",
            label,
            tokens,
            m[f"W{k + 1}"].T @ m[f"δ{k + 1}"],
            "the error reaching each neuron, summed over the neurons above",
        )
    if act.elementwise:
        slope = act.slope(m[f"Z{k}"].T, m[f"A{k}"].T).T
        step("backward", label, (f"S{k}", f" = {act.name}′(", f"Z{k}", ")"), slope)
        step(
            "backward",
            label,
            (f"δ{k}", " = ", f"dA{k}", " ⊙ ", f"S{k}"),
            m[f"dA{k}"] * m[f"S{k}"],
            "δ = ∂E/∂Z",
        )
    else:  # softmax with another loss: the Jacobian, column by column
        A, G = m[f"A{k}"], m[f"dA{k}"]
        step(
            "backward",
            label,
            (f"δ{k}", " = ", f"A{k}", " ⊙ (", f"dA{k}", " − 1·1ᵀ(dA ⊙ A))"),
            A * (G - np.sum(G * A, axis=0, keepdims=True)),
            "softmax Jacobian",
        )


def _matrix_gradients(
    tr: MatrixTrace, example: Example, k: int, n_samples: int, mean: bool
) -> None:
    """dWk = δk·Ak−1ᵀ and dbk (scaled by 1/n for a mean over a batch)."""
    m = tr.matrices
    step = partial(_record, tr)
    layer = example.network.layers[k - 1]
    label = layer_label(k - 1, len(example.network.layers))
    scale = f"(1/{n_samples})·" if mean else ""
    factor = 1.0 / n_samples if mean else 1.0
    dW = m[f"δ{k}"] @ m[f"A{k - 1}"].T
    step(
        "backward",
        label,
        (f"dW{k}", f" = {scale}", f"δ{k}", "·", f"A{k - 1}", "ᵀ"),
        dW * factor if mean else dW,
        "the gradient of every weight" + (", summed over the batch" if n_samples > 1 else ""),
    )
    if layer.bias_mode == "neuron":
        db = m[f"δ{k}"].sum(axis=1, keepdims=True)
        step("backward", label, (f"db{k}", f" = {scale}", f"δ{k}", "·1"), db * factor)
    elif layer.bias_mode == "layer":
        db = m[f"δ{k}"].sum()
        step("backward", label, (f"db{k}", f" = {scale}1ᵀ·", f"δ{k}", "·1"), db * factor)


def _matrix_update(tr: MatrixTrace, example: Example) -> None:
    """W⁺ = W − η·dW and b⁺ = b − η·db, output layer first."""
    net, m = example.network, tr.matrices
    step = partial(_record, tr)
    n_layers = len(net.layers)
    for k in range(n_layers, 0, -1):
        layer = net.layers[k - 1]
        label = layer_label(k - 1, n_layers)
        step(
            "update",
            label,
            (f"W{k}⁺", " = ", f"W{k}", " − ", "η", "·", f"dW{k}"),
            m[f"W{k}"] - example.learning_rate * m[f"dW{k}"],
        )
        if layer.bias_mode != "none" and layer.train_bias:
            step(
                "update",
                label,
                (f"b{k}⁺", " = ", f"b{k}", " − ", "η", "·", f"db{k}"),
                m[f"b{k}"] - example.learning_rate * m[f"db{k}"],
            )


def weight_rules(sizes: list[int]) -> list[str]:
    """How weight names map to matrix entries: `w1..w4: w(1 + 2·j + i) = W1[j,i]`, …"""
    rules, first = [], 1
    for k in range(1, len(sizes)):
        fan_in, count = sizes[k - 1], sizes[k - 1] * sizes[k]
        rules.append(
            f"w{first}..w{first + count - 1}: w({first} + {fan_in}·j + i) = W{k}[j,i] "
            f"(j: neuron of layer {k}, i: its input; dE_total/dw = dW{k}[j,i], w+ = W{k}⁺[j,i])"
        )
        first += count
    return rules


def notation_card(example: Example, fused: bool) -> dict[str, tuple[str, tuple[int, int]]]:
    """Scalar name of the per-neuron trace → (matrix, (row, column)), for every mapped value."""
    net = example.network
    sizes = net.sizes
    # MNIST's 101,632 weights would take a second to spell out: their rule is `weight_rules`.
    spell_weights = sum(layer.W.size for layer in net.layers) <= CARD_WEIGHTS
    weights = weight_names(sizes) if spell_weights else []
    neurons, targets = neuron_names(sizes), target_names(sizes)
    batch = example.is_batch
    n_samples = example.n_samples
    card: dict[str, tuple[str, tuple[int, int]]] = {"eta": ("η", (0, 0))}
    L = len(net.layers)

    def per_sample(name: str, matrix: str, row: int) -> None:
        for s in range(n_samples):
            card[f"{name}[{s}]" if batch else name] = (matrix, (row, s))

    for j, name in enumerate(neurons[0]):
        per_sample(name, "A0", j)
    for j, name in enumerate(targets):
        per_sample(name, "T", j)
        per_sample(f"E_{neurons[-1][j]}", "E", j)
    if batch:
        per_sample("E_total", "Es", 0)
    card["E_total"] = ("E_total", (0, 0))
    for k, layer in enumerate(net.layers, start=1):
        for j, neuron in enumerate(neurons[k]):
            per_sample(f"net_{neuron}", f"Z{k}", j)
            per_sample(f"out_{neuron}", f"A{k}", j)
            per_sample(f"delta_{neuron}", f"δ{k}", j)
            if not (k == L and fused):
                per_sample(f"dE_total/dout_{neuron}", f"dA{k}", j)
                if layer.activation.elementwise:
                    per_sample(f"dout_{neuron}/dnet_{neuron}", f"S{k}", j)
            if not spell_weights:
                continue
            for i in range(layer.fan_in):
                w = weights[k - 1][i][j]
                card[w] = (f"W{k}", (j, i))
                card[f"dE_total/d{w}"] = (f"dW{k}", (j, i))
                card[f"{w}+"] = (f"W{k}⁺", (j, i))
        for j, b in enumerate(bias_names(sizes, layer.bias_mode)[k - 1]):
            card[b] = (f"b{k}", (j, 0))
            card[f"dE_total/d{b}"] = (f"db{k}", (j, 0))
            if layer.train_bias:
                card[f"{b}+"] = (f"b{k}⁺", (j, 0))
    return card


@dataclass(frozen=True)
class ChainLine:
    """One line of a single weight's or neuron's chain: what, how, and its value."""

    name: str
    formula: str
    value: float


class ChainError(TutorError, ValueError):
    """A --param or --neuron that names nothing in the network (says what exists)."""


def _parse_entry(spec: str) -> tuple[str, tuple[int, ...]]:
    """`W2[3,17]` → ('W2', (3, 17)); `b1[4]` → ('b1', (4,)); anything else: ChainError."""
    name, bracket, rest = spec.partition("[")
    if not bracket or not rest.endswith("]"):
        raise ChainError(f"expected a matrix entry such as W2[3,17] or b2[3], got {spec!r}")
    try:
        index = tuple(int(part) for part in rest[:-1].split(","))
    except ValueError:
        raise ChainError(f"expected whole-number indices, as in W2[3,17], got {spec!r}") from None
    return name, index


def param_chain(tr: MatrixTrace, spec: str) -> list[ChainLine]:
    """The full chain of one weight `W_k[j,i]` (or bias `b_k[j]`): forward, δ, gradient, update."""
    name, index = _parse_entry(spec)
    m = tr.matrices
    n_layers = len(tr.meta["sizes"]) - 1
    kind, layer = name[:1], name[1:]
    if kind not in ("W", "b") or not layer.isdigit() or not 1 <= int(layer) <= n_layers:
        raise ChainError(f"{spec!r}: expected W1..W{n_layers}[j,i] or b1..b{n_layers}[j]")
    k = int(layer)
    if name not in m:
        raise ChainError(f"{spec!r}: layer {k} has no bias")
    shape = m[name].shape
    full = index if kind == "W" else (index[0], 0) if len(index) == 1 else (-1, -1)
    if len(full) != 2 or not all(0 <= x < n for x, n in zip(full, shape)):
        raise ChainError(f"{spec!r}: {name} is {shape[0]}×{shape[1]}; indices start at 0")
    j, i = full
    sizes = tr.meta["sizes"]
    if kind == "W":
        first = 1 + sum(sizes[n - 1] * sizes[n] for n in range(1, k))
        given = f"given: w{first + sizes[k - 1] * j + i} (from input {i} to neuron {j})"
    else:
        given = "given: the bias of neuron " + str(j)
    lines = [ChainLine(spec, given, float(m[name][j, i]))]
    delta, prev = m[f"δ{k}"], m[f"A{k - 1}"]
    n_samples = delta.shape[1]
    for s in range(min(n_samples, 8)):
        col = f",{s}" if n_samples > 1 else ""
        lines.append(ChainLine(f"Z{k}[{j}{col}]", f"row {j} of W{k} · A{k - 1}", m[f"Z{k}"][j, s]))
        if kind == "W":
            lines.append(ChainLine(f"A{k - 1}[{i}{col}]", "the input it multiplies", prev[i, s]))
        lines.append(ChainLine(f"δ{k}[{j}{col}]", _delta_how(tr, k), delta[j, s]))
    grad = f"dW{k}" if kind == "W" else f"db{k}"
    scale = "(1/S)·" if tr.meta.get("reduction") == "mean" and n_samples > 1 else ""
    how = f"{scale}Σ_s δ{k}[{j},s]·A{k - 1}[{i},s]" if kind == "W" else f"{scale}Σ_s δ{k}[{j},s]"
    if kind == "b" and shape[0] == 1 and delta.shape[0] > 1:  # one bias shared by the layer
        how = f"{scale}Σ_j Σ_s δ{k}[j,s]"
    lines.append(
        ChainLine(f"{grad}[{j},{i}]" if kind == "W" else f"{grad}[{j}]", how, m[grad][j, i])
    )
    if f"{name}⁺" in m:
        after = f"{name}⁺[{j},{i}]" if kind == "W" else f"{name}⁺[{j}]"
        lines.append(ChainLine(after, f"{spec} − η·{grad}", m[f"{name}⁺"][j, i]))
    return lines


def _delta_how(tr: MatrixTrace, k: int) -> str:
    step = next(s for s in tr.steps if s.result == f"δ{k}")  # tokens: δk, " = ", operands…
    return "".join(step.tokens[2:]) + " (this entry)"


def neuron_chain(tr: MatrixTrace, neuron: str) -> list[ChainLine]:
    """Every value of one neuron (`o3`, `h1`, `h2_5`): net, out, error reaching it, δ, bias."""
    names = neuron_names(tr.meta["sizes"])
    for k in range(1, len(names)):
        if neuron in names[k]:
            j = names[k].index(neuron)
            break
    else:
        known = ", ".join(f"{layer[0]}..{layer[-1]}" for layer in names[1:])
        raise ChainError(f"no neuron {neuron!r}; this network's neurons: {known}")
    m = tr.matrices
    lines = []
    for matrix in (f"Z{k}", f"A{k}", f"dA{k}", f"S{k}", f"δ{k}"):
        if matrix not in m:
            continue
        for s in range(min(m[matrix].shape[1], 8)):
            col = f",{s}" if m[matrix].shape[1] > 1 else ""
            step = next(st for st in tr.steps if st.result == matrix)
            lines.append(ChainLine(f"{matrix}[{j}{col}]", step.formula, m[matrix][j, s]))
    for matrix in (f"b{k}", f"db{k}", f"b{k}⁺"):
        if matrix in m and m[matrix].shape[0] > j:
            lines.append(ChainLine(f"{matrix}[{j}]", "bias", m[matrix][j, 0]))
    row = m[f"W{k}"][j]
    lines.append(
        ChainLine(f"‖W{k}[{j},:]‖", f"its {row.size} incoming weights", float(np.linalg.norm(row)))
    )
    lines.append(
        ChainLine(f"‖dW{k}[{j},:]‖", "their gradient", float(np.linalg.norm(m[f"dW{k}"][j])))
    )
    return lines
