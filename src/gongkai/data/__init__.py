"""Lexicons, tables and models shipped as data (read with importlib.resources)."""
