"""Lessons as data: model, loader and validator, and verification of published figures."""
