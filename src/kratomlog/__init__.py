"""kratomlog: a private journal for kratom use, limits, tapering and recovery."""

__version__ = "0.1.0"
