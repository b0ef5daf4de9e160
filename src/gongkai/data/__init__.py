"""Lexicons, tables and models shipped as data (read with importlib.resources)."""


def load_yaml(text: str):
    """Safe YAML, parsed by libyaml when PyYAML was built with it.

    The pure-Python parser took about a second of every start-up for the lexicons and tables;
    libyaml reads the same documents into the same values (and keeps the marks that give line
    numbers) in a tenth of that.
    """
    import yaml

    return yaml.load(text, Loader=SAFE_LOADER)


def _safe_loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: The safe loader class to derive from (libyaml's when available).
SAFE_LOADER = _safe_loader()
