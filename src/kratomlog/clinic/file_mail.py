"""KRATOMLOG_EMAIL=file:///dir: each message in a file of its own (`.eml`, readable by any mail
program), so a test or an operator counts messages by counting files.

Django's file backend writes one file per connection, named after the connection object's id,
which Python reuses: two connections a second apart may land in the same file.
"""

import os
from datetime import datetime
from typing import Any
from uuid import uuid4

from django.core.mail.backends import filebased


class EmailBackend(filebased.EmailBackend):
    def _get_filename(self) -> str:
        if self._fname is None:
            name = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid4().hex}.eml"
            self._fname = os.path.join(self.file_path, name)
        return self._fname  # type: ignore[no-any-return]

    def send_messages(self, email_messages: Any) -> int:
        sent = 0
        for message in email_messages:
            self.close()
            self._fname = None  # a new file for the next message
            sent += super().send_messages([message]) or 0
        return sent
