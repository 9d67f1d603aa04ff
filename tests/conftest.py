"""Test-wide settings: the suite must not write anything into the working tree."""

from hypothesis import settings

# Hypothesis would otherwise keep an example database in .hypothesis/ beside the tests.
settings.register_profile("spinelab", database=None)
settings.load_profile("spinelab")
