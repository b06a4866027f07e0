"""Board-ready documents: annual report, committee pack, data-quality report, learning summary.

Every figure comes from the ``measures`` table (computed once, displayed here); the HTML is rendered
from Jinja templates in ``reports/`` and printed to PDF by headless Chromium (:mod:`.pdf`).
"""
