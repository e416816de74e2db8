"""Rendering: templates, charts and reports. Imported only by commands that render."""
