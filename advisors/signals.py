"""Signals the advisor workspace sends for the apps above it (which it must not import)."""

from django.dispatch import Signal

# Sent inside share_withdraw's transaction, with ``assessment`` and ``organisation``: what was
# copied under the withdrawn consent (the reports app's stored PDFs and bundles) goes with it.
share_withdrawn = Signal()
