"""The clinic's tests need the clinic's settings (KRATOMLOG_CLINIC=1): `make test` runs them apart."""

import os

collect_ignore = [] if os.environ.get("KRATOMLOG_CLINIC") == "1" else ["clinic"]
