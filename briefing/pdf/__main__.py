"""``python -m briefing.pdf``: regenerate the PDF of an already built site."""

from __future__ import annotations

import sys

from briefing.pdf.build import main

sys.exit(main())
