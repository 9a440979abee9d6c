"""PDF readiness reports (issue 4): context, fingerprint, rendering, storage and bulk ZIPs.

* ``selectors``: the context the results page and the report share, and the report's own extras;
* ``rendering``: HTML to PDF with WeasyPrint, fonts and files from disk only;
* ``services``: stored reports (re-rendered only when what they show changes) and bundles;
* ``tasks``: the background task that builds a bundle of reports as one ZIP.
"""
