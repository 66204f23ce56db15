"""The classroom: per-student worksheets, their answer keys, grading, progress export (headless)."""
