"""Loaded as a plugin before pytest-django reads the settings (see pyproject addopts)."""

import os
import tempfile

# Before Django reads its settings: tests never touch the real journal's directory.
os.environ.setdefault("KRATOMLOG_HOME", tempfile.mkdtemp(prefix="kratomlog-test-"))

# Hypothesis's per-example deadline is a timed test: on a loaded machine it fails a correct
# property. Speed is measured in `make bench`, so the properties run without one.
from hypothesis import settings

settings.register_profile("kratomlog", deadline=None)
settings.load_profile("kratomlog")
