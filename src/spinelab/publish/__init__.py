"""Publishing tools on top of the course: handouts, slides, answer key and sources page."""
