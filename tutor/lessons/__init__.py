"""Lessons as data: the model, the loader and validator, and the verification of published figures."""
