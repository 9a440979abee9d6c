import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import the URLconf, and with it every view module (WeasyPrint, pandas, the API), now rather
# than on the first request: a preloading app server (config/gunicorn.conf.py) then forks
# workers that already hold them, instead of each new or recycled worker spending a second or
# more of CPU on imports while requests queue behind it (docs/performance.md).
get_resolver().url_patterns  # noqa: B018
