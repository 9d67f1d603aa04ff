"""The course content's licence, as every published output names it (see LICENSE-CONTENT.md; code: LICENSE, MIT)."""

#: The content licence in one line: holder, licence and its URL.
CONTENT_LICENCE = ("© 2026 The spinelab contributors. Course content licensed under CC BY 4.0: "
                   "https://creativecommons.org/licenses/by/4.0/ (quotations: their owners' terms)")
#: What text2qti writes into every QTI manifest's rights description, replaced by :data:`CONTENT_LICENCE`.
QTI_DEFAULT_RIGHTS = "Private (Copyrighted) - http://en.wikipedia.org/wiki/Copyright"
