"""The course's machinery: style, display, live figures, self-checks, references, validation."""
