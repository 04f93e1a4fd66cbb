"""Private building blocks of the interactive pages.

:mod:`geoaccess.explore` (a map of a result) and :mod:`geoaccess.explorer` (the
consultation explorer) are built from these.

Users never import this package. It holds what both pages share: checks of their inputs
(:mod:`.common`), the Bokeh map with its legend, sites and optional background tiles
(:mod:`.bokeh_map`), the compact matrix embedded in the explorer (:mod:`.matrix`), the
explorer's browser code (``explorer.js``) and the headless browser of the screenshots
and tests (:mod:`.browser`).
"""
