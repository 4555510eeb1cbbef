"""Helpers the test modules share: planting mistakes in copies of the project, renderers on the real data.

Test modules import from here, never from each other, so a helper has one home
and one shape (``tests/conftest.py`` keeps the fixtures and the build runners).
"""
