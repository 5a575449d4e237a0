"""The domain, as pure functions over plain dataclasses.

Nothing here imports Django or reads the clock, the environment or the disk: the time zone
and the moment "now" are always passed in, so every rule can be tested without a database.
"""
