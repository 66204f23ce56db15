"""`backprop-tutor mnist`: train on MNIST digits, report, and trace one digit."""

from __future__ import annotations

import argparse
import os
import sys
import time

from tutor.cli.ranges import MAX_HIDDEN_UNITS, SEED, hidden_sizes, real, whole
from tutor.text_safety import escape_controls

KEEP_HELP = (
    "dropout KEEP probability p on the input and hidden units while training (default 0.7, "
    "the slides' p = 0.70: 'each unit is retained with fixed probability p'); 1 = no dropout"
)


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """`--data DIR`: the full MNIST folder (shared with benchmarks/bench_mnist.py)."""
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="folder with the full MNIST (train-images-idx3-ubyte[.gz] etc., or mnist_train.csv "
        "and mnist_test.csv); default $BACKPROP_TUTOR_MNIST, else the shipped 5,000 digits",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument(
        "--epochs",
        type=whole(0, 1000),
        help="epochs, 0 to 1,000 (default 30 on the subset, 10 on full)",
    )
    parser.add_argument(
        "--hidden",
        type=hidden_sizes,
        default="128",
        help=f"hidden layer sizes, comma-separated, each 1 to {MAX_HIDDEN_UNITS:,} (default 128)",
    )
    parser.add_argument("--activation", choices=("relu", "sigmoid"), default="relu")
    parser.add_argument(
        "--dropout", type=real(0, 1, low_open=True), default=0.7, metavar="P", help=KEEP_HELP
    )
    parser.add_argument(
        "--l2", type=real(0, 10), default=0.0, help="L2 weight decay λ, 0 to 10 (default 0)"
    )
    parser.add_argument(
        "--lr",
        type=real(0, 100, low_open=True),
        default=0.2,
        help="learning rate η, in (0, 100] (default 0.2)",
    )
    parser.add_argument(
        "--lr-decay",
        type=real(0, 10, low_open=True),
        default=1.0,
        help="η is multiplied by this after each epoch, in (0, 10] (default 1)",
    )
    parser.add_argument(
        "--batch-size", type=whole(1, 65_536), default=128, help="mini-batch size (128)"
    )
    parser.add_argument(
        "--seed", type=SEED, default=0, help="seed of weights, shuffles, dropout (0 to 2**32-1)"
    )
    parser.add_argument("--float64", action="store_true", help="train in float64 (default float32)")
    parser.add_argument(
        "--sample", type=whole(0, 999_999), default=0, metavar="K", help="test digit to trace"
    )
    parser.add_argument(
        "--worst", type=whole(0, 100), default=5, help="worst-classified digits shown, 0 to 100 (5)"
    )
    parser.add_argument(
        "--threads",
        type=whole(0, 256),
        default=1,
        help="BLAS threads, 0 to 256 (default 1: 128-digit batches gain little from more, and "
        "lose much when the cores are busy; 0 = the BLAS default)",
    )
    parser.add_argument(
        "--export", metavar="FILE", help="write everything (traced sample in full) as JSON"
    )


def _config(args, full: bool):
    from tutor.cli import UsageError
    from tutor.mnist.train import MnistConfig

    hidden = args.hidden  # a tuple: the parser checked sizes and limits (tutor.cli.ranges)
    epochs = args.epochs if args.epochs is not None else (10 if full else 30)
    try:
        return MnistConfig(
            hidden=hidden,
            activation=args.activation,
            keep_prob=args.dropout,
            l2=args.l2,
            learning_rate=args.lr,
            lr_decay=args.lr_decay,
            batch_size=args.batch_size,
            epochs=epochs,
            seed=args.seed,
            dtype="float64" if args.float64 else "float32",
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


def _load(args):
    from tutor.cli import UsageError
    from tutor.mnist.data import MnistDataError, data_folder_from_env, load_full
    from tutor.mnist.subset import subset_dataset

    folder = args.data or data_folder_from_env()
    try:
        return (load_full(folder) if folder else subset_dataset()), bool(folder)
    except MnistDataError as error:
        raise UsageError(str(error)) from None


def _small_digits(images, captions) -> str:
    """Digits side by side at half resolution (2×2 pixels averaged, one character each)."""
    from tutor.mnist.traced_sample import SHADES

    blocks = []
    for image in images:
        pooled = image.reshape(14, 2, 14, 2).astype(int).mean(axis=(1, 3))
        levels = (pooled * len(SHADES) // 256).astype(int)
        blocks.append(["".join(SHADES[v] for v in row) for row in levels])
    rows = ["   ".join(f"{block[r]:<15}" for block in blocks).rstrip() for r in range(14)]
    rows = [row for row in rows if row.strip()] or rows
    rows.append("   ".join(f"{c:<15}" for c in captions).rstrip())
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    from tutor.cli import UsageError
    from tutor.engine.training import TrainingDiverged
    from tutor.mnist.blas import blas_threads, get_blas_threads
    from tutor.mnist.evaluate import evaluate, format_report
    from tutor.mnist.traced_sample import export_json, format_trace, to_json, trace_sample
    from tutor.mnist.train import build_mnist_network, fit, one_hot, to_inputs
    from tutor.progress import progress_bar

    if args.export and not os.path.isdir(os.path.dirname(os.path.abspath(args.export))):
        raise UsageError(f"--export {args.export}: its folder does not exist")
    if args.export and os.path.isdir(args.export):
        raise UsageError(f"--export {args.export}: is a folder; expected a file name")
    if args.export:
        from pathlib import Path

        from tutor.atomic import UnsafeTargetError, check_target

        try:  # before the training, not after: a FIFO or a link is refused at once
            check_target(Path(args.export))
        except UnsafeTargetError as error:
            raise UsageError(f"--export {args.export}: {error.strerror}") from None
    ds, full = _load(args)
    config = _config(args, full)
    if not 0 <= args.sample < len(ds.y_test):
        raise UsageError(f"--sample {args.sample}: expected 0 to {len(ds.y_test) - 1}")
    dtype = config.np_dtype
    net = build_mnist_network(config)
    X, T = to_inputs(ds.X_train, dtype), one_hot(ds.y_train, dtype)
    total = config.epochs * -(-len(X) // config.batch_size)
    bar = progress_bar(total, "training")
    start = time.perf_counter()
    if args.threads < 0:
        raise UsageError(f"--threads {args.threads}: expected 0 (BLAS default) or more")
    with blas_threads(args.threads or None):
        threads = get_blas_threads()
        try:
            history = fit(net, X, T, config, progress=bar)
        except TrainingDiverged as error:
            message = f"backprop-tutor mnist: {error}; try a smaller --lr"
            print(escape_controls(message), file=sys.stderr)
            return 1
        seconds = time.perf_counter() - start
        ev = evaluate(net, ds.X_test, ds.y_test, dtype, n_worst=max(args.worst, 0))
        sample = trace_sample(net, ds.X_test[args.sample], int(ds.y_test[args.sample]), args.sample)

    sizes = "-".join(str(s) for s in net.sizes)
    hidden_init = "He" if config.activation == "relu" else "Xavier"
    decay = f" × {config.lr_decay}/epoch" if config.lr_decay != 1 else ""
    # Every line fits 80 columns.
    print(escape_controls(f"data: {ds.source}"))
    print(f"network: {sizes}, {config.activation} hidden, softmax + cross-entropy, {config.dtype}")
    print(f"  init: {hidden_init} (hidden layers), Xavier (output layer); seed {config.seed}")
    print(
        f"training: {config.epochs} epoch{'s' if config.epochs != 1 else ''}, "
        f"batch {config.batch_size}, η = {config.learning_rate}{decay}, L2 λ = {config.l2}"
    )
    if config.keep_prob < 1:
        print(f"dropout: keep p = {config.keep_prob} on input and hidden units while training")
        print("  (p = probability of KEEPING a unit, as in the slides; none at test time)")
    else:
        print("dropout: none")
    print(f"time: {seconds:.2f} s (BLAS threads: {threads or '?'})")
    step = max(1, config.epochs // 10)
    shown = [e for e in range(1, config.epochs + 1) if e % step == 0 or e in (1, config.epochs)]
    print("mean training loss per epoch (dropout on):" + ("" if shown else " none (0 epochs)"))
    for row in range(0, len(shown), 6):
        print(
            "  " + "   ".join(f"{e:>3}: {history.losses[e - 1]:.4f}" for e in shown[row : row + 6])
        )
    print()
    print(f"test set: {format_report(ev)}")
    if ev.worst:
        print()
        print("worst-classified test digits (lowest probability for the true label):")
        for w in ev.worst:
            print(
                f"  #{w.index}: true {w.label}, predicted {w.predicted}, p(true) = {w.p_true:.3g}"
            )
        # Four 15-column digits to a row: 69 columns.
        for row in range(0, len(ev.worst), 4):
            shown_worst = ev.worst[row : row + 4]
            captions = [f"#{w.index} {w.label}→{w.predicted}" for w in shown_worst]
            print(_small_digits([ds.X_test[w.index] for w in shown_worst], captions))
    print()
    print(format_trace(sample))
    if args.export:
        document = {
            "data": ds.source,
            "config": {**config.__dict__, "hidden": list(config.hidden)},
            "loss_curve": history.losses,
            "accuracy": ev.accuracy,
            "per_class": [None if a != a else a for a in ev.per_class],  # NaN: no digits
            "confusion": ev.confusion.tolist(),
            "worst": [w.__dict__ for w in ev.worst],
            "traced_sample": to_json(sample),
        }
        try:
            export_json(args.export, document)
        except OSError as error:
            raise UsageError(f"--export {args.export}: {error.strerror or error}") from None
        print(escape_controls(f"\nexported to {args.export}"))
    return 0
