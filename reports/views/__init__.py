"""Views of the reports app: results pages, plans, PDFs and bundles, for firms and advisors."""
