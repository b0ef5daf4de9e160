"""``gongkai serve``: the office's web desk (issue #19), a client of the same core API as the CLI.

Starlette, Jinja2 templates, a little htmx shipped in ``static/``, uvicorn; passwords hashed with
argon2 (``store/accounts.py``). Install with ``pip install 'gongkai[web]'``; the CLI never imports
this package except for ``gongkai serve``.
"""
