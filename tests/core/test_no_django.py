"""kratomlog.core is a library without Django: importing every core module loads none of it."""

import pkgutil
import subprocess
import sys

import kratomlog.core


def test_core_imports_no_django():
    modules = sorted(
        found.name for found in pkgutil.walk_packages(kratomlog.core.__path__, "kratomlog.core.")
    )
    assert "kratomlog.core.today_left" in modules and "kratomlog.core.formats" in modules
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    answer = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": ":".join(sys.path)},
    )  # fmt: skip
    assert answer.stdout.strip() == "[]", answer.stdout
