"""The clinic's WSGI application (what `kratomlog clinic serve` runs on gunicorn).

For another WSGI server: `KRATOMLOG_CLINIC=1 gunicorn kratomlog.clinic.wsgi`, after
`kratomlog clinic init` has migrated the database. Static files are served by whitenoise.
"""

import os

os.environ["KRATOMLOG_CLINIC"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kratomlog.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
