"""The briefing engine: a validated data file of figures, formatted and marked up for pages.

The core modules (model, loading, checks, formatting, rendering) import nothing
from MkDocs, so they are unit-tested without a build; only ``macros.py`` and
``hooks/briefing_hooks.py`` know the site generator.
"""

import time

LOADED_AT = time.time()  # when this copy of the package was imported; see briefing.codereload
