"""Liveblog: a live-update engine for newsrooms reporting fast events."""

__version__ = "0.1.0"
