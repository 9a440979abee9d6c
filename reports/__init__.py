"""The top of the stack (DESIGN §8): results and PDF reports, on readiness, programmes, advisors.

* ``selectors``: the context the results page and the report share, and the report's own extras;
* ``rendering``: HTML to PDF with WeasyPrint, fonts and files from disk only;
* ``services``: stored reports (re-rendered only when what they show changes) and bundles;
* ``tasks``: the background tasks that render a report and build a bundle of reports as one ZIP;
* ``results_cache``: the results page's body kept until anything it shows changes;
* ``views``: the results page, the plan, report downloads for firms and advisors, the case page.
"""
