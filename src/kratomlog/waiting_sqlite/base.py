"""A write transaction (BEGIN IMMEDIATE) that finds the journal locked by another process waits
for it, however long: a dose logged while a 200,000-row import commits is written once the
import is done, never refused with "database is locked". Each attempt waits the connection's
timeout; after the first, the person is told what the wait is for."""

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

from kratomlog.storage import waiting_for_writer


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        while True:
            try:
                super()._start_transaction_under_autocommit()
                return
            except OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                waiting_for_writer()
