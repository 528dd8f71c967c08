"""shadow: run IT job-shadowing and tour programmes for libraries."""

__version__ = "0.1.0"
