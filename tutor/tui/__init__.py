"""The Textual tutor: a lesson picker and lesson screens that show what the engine traced."""
