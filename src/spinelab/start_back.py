"""``spinelab.start_back``: the STarT Back scoring under a short public name.

Why this module exists: ``spinelab.start_back.stratify`` is the course's promised,
stable name for the one function other code and instructors call most. The implementation and its data live in
:mod:`spinelab.clinic.start_back`, where the package's layers put clinical reasoning; this module only re-exports
its public functions, so there is one implementation and one data file. It imports nothing else, and nothing in
the package imports it.

::

    >>> from spinelab.start_back import stratify
    >>> stratify([False] * 9)
    'low'
"""

from spinelab.clinic.start_back import HIGH, LOW, MEDIUM, STRATA, Scores, bothersome, offer, score, stratify

__all__ = ["HIGH", "LOW", "MEDIUM", "STRATA", "Scores", "bothersome", "offer", "score", "stratify"]
