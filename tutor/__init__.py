"""backprop-tutor: a terminal tutor that traces every number of backpropagation."""

__version__ = "0.1.0"
