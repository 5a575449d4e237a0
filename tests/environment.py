"""Loaded as a plugin before pytest-django reads the settings (see pyproject addopts)."""

import os
import tempfile

# Before Django reads its settings: tests never touch the real journal's directory.
os.environ.setdefault("KRATOMLOG_HOME", tempfile.mkdtemp(prefix="kratomlog-test-"))
