"""Screens of the tutor: lesson picker, lesson, help and small prompts."""
