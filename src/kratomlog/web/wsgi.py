"""The WSGI application `kratomlog serve` runs (and a clinic's server would)."""

from django.core.wsgi import get_wsgi_application

from kratomlog.storage import open_journal

open_journal()
application = get_wsgi_application()
