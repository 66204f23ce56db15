"""MNIST on the shipped 5,000-digit subset: 784-128-10, ReLU, softmax-CE, dropout keep p = 0.7."""

from __future__ import annotations

from tutor.experiments.registry import Progress, experiment

SOURCE = (
    "003_bd86bf8af1f2b77a.txt, 'MNIST Image Classification': dropout with p = 0.70 "
    "(keep probability) on input and hidden layers, one-hot labels"
)


def mnist_config(keep_prob: float = 0.7):
    """The lesson's run: small enough to finish in a few seconds on two cores."""
    from tutor.mnist.train import MnistConfig

    return MnistConfig(
        hidden=(128,), keep_prob=keep_prob, learning_rate=0.2, batch_size=128, epochs=30, seed=0
    )


@experiment("mnist", "MNIST digits with dropout (keep p = 0.7)", SOURCE, unit="batch")
def mnist(progress: Progress | None = None) -> dict:
    """Train on 4,000 shipped digits, evaluate on the 1,000 held out."""
    from tutor.mnist.blas import blas_threads

    # One BLAS thread: steadier than two on a busy 2-core machine for 128-digit batches.
    with blas_threads(1):
        return _run(progress, keep_prob=0.7)


@experiment(
    "mnist_no_dropout", "MNIST digits without dropout (for comparison)", SOURCE, unit="batch"
)
def mnist_no_dropout(progress: Progress | None = None) -> dict:
    """The same run as `mnist` with every unit kept (p = 1): what did dropout buy?"""
    from tutor.mnist.blas import blas_threads

    with blas_threads(1):
        return _run(progress, keep_prob=1.0)


def _run(progress: Progress | None, keep_prob: float) -> dict:
    from tutor.mnist.evaluate import confusion_table, evaluate, per_class_table, worst_table
    from tutor.mnist.subset import subset_dataset
    from tutor.mnist.train import build_mnist_network, fit, one_hot, to_inputs

    config = mnist_config(keep_prob)
    ds = subset_dataset()
    net = build_mnist_network(config)
    X, T = to_inputs(ds.X_train, config.np_dtype), one_hot(ds.y_train, config.np_dtype)
    history = fit(net, X, T, config, progress=progress)
    ev = evaluate(net, ds.X_test, ds.y_test, config.np_dtype)
    train_ev = evaluate(net, ds.X_train, ds.y_train, config.np_dtype, n_worst=0)
    dropout = (
        f"dropout keeping each input and hidden unit with probability p = {keep_prob} "
        "while training"
        if keep_prob < 1
        else "no dropout"
    )
    weakest = min(range(10), key=lambda k: ev.per_class[k])
    return {
        "loss_curve": history.losses,
        "loss_epochs": list(range(1, len(history.losses) + 1)),
        # the live curve counts batches: each epoch's mean loss is drawn at its last batch
        "loss_axis": {"unit": "batch", "per_epoch": -(-len(ds.y_train) // config.batch_size)},
        "accuracy": ev.accuracy,
        "train_accuracy": train_ev.accuracy,
        "final_loss": history.losses[-1],
        "tables": {
            "per_class": per_class_table(ev),
            "confusion": confusion_table(ev),
            "worst": worst_table(ev),
        },
        "summary": (
            f"784-128-10 (ReLU, softmax + cross-entropy), {dropout}, {config.epochs} "
            f"epochs of mini-batch SGD (batch {config.batch_size}, η = {config.learning_rate}) "
            f"on {len(ds.y_train)} real MNIST digits.\n\n"
            f"Held-out accuracy **{ev.accuracy:.1%}** on {ev.n} digits "
            f"(training accuracy {train_ev.accuracy:.1%}); weakest digit: {weakest} "
            f"({ev.per_class[weakest]:.0%})."
        ),
    }


@experiment(
    "mnist_dropout_compared",
    "MNIST digits with and without dropout, side by side",
    SOURCE,
    unit="batch",
)
def mnist_dropout_compared(progress: Progress | None = None) -> dict:
    """The lesson's run with dropout (p = 0.7) and without (p = 1), in one table."""
    from tutor.experiments.registry import run_experiment

    runs = (("dropout, p = 0.7", "mnist"), ("no dropout", "mnist_no_dropout"))
    results, rows = [], []
    for k, (label, experiment_id) in enumerate(runs):

        def scaled(done, total, loss=None, k=k):
            if progress is None:
                return None
            return progress(k * total + done, len(runs) * total, loss)

        result = run_experiment(experiment_id, scaled)
        results.append(result)
        train, test = result["train_accuracy"], result["accuracy"]
        rows.append([label, train, test, train - test, result["final_loss"]])
    config = mnist_config()
    with_dropout, without = results
    return {
        "tables": {
            "dropout": {
                "columns": ["run", "train acc.", "test acc.", "gap", "last loss"],
                "rows": rows,
                "caption": (
                    f"784-128-10, {config.epochs} epochs on 4,000 shipped digits, "
                    "tested on 1,000 others"
                ),
            }
        },
        "summary": (
            f"With dropout: test accuracy {with_dropout['accuracy']:.1%} (training "
            f"{with_dropout['train_accuracy']:.1%}). Without: test {without['accuracy']:.1%} "
            f"(training {without['train_accuracy']:.1%})."
        ),
    }
