"""Imported once by the fork server: load every model there, so forked workers start warm.

Workers are forked from the fork server, so the name pipeline, the typo model and the
lexicons it loaded here are shared copy-on-write instead of being built again by every worker
(seconds each, and again whenever a worker is recycled or replaced after a timeout).
"""

from ..api import warm_up

try:
    warm_up()
except Exception:  # a cold worker still works: it warms up itself before its first task
    pass
