"""MNIST end to end: loaders, the shipped subset, fast training, evaluation, one traced sample."""
