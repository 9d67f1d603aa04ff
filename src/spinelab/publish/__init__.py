"""Publishing tools on top of the course: handouts, slides, answer key, sources page, LMS export, the class
server and the `spinelab` command."""
