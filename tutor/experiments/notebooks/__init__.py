"""Course notebooks' own training arithmetic, reproduced literally: one module per notebook.

The experiments train with the engine (`tutor.engine.training`) wherever the engine's
arithmetic gives the published figures. A module here exists only where a notebook's printed
figures are figures of ITS arithmetic (an unclipped loss, another form of σ, its own order of
sums) and the engine, which must not be bent to match a published number, cannot stand in.
Each module names the seed document it reproduces and says why; tests/test_notebook_arithmetic.py
demonstrates each reason on the notebook's own runs.

- `two_hidden_lab`: seed 002's lab report (two sigmoid hidden layers, BCE, early stop).
- `encoder_838_notebook`: seed 001's notebook (the 8-3-8 encoder trained online).
"""
