"""Developer tools run from the project directory (``python -m tools.bench``); not part of the runtime package."""
