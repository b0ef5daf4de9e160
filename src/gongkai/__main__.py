"""``python -m gongkai`` runs the command line."""

from .cli import entry

entry()
