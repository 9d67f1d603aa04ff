"""Test-wide settings: the suite must not write anything into the working tree."""

from hypothesis import settings

# No example database in .hypothesis/ beside the tests; derandomized so CI runs the same examples each time.
settings.register_profile("spinelab", database=None, derandomize=True)
settings.load_profile("spinelab")
