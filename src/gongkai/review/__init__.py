"""三审三校 review: the checklist state machine and the release gate (pure: no I/O, no clock).

The store (``gongkai.store``) persists the events and folds them through this package; the
CLI (``gongkai review``/``release``) and the web desk are its clients.
"""
