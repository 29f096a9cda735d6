"""Closing a project and its closure return: the outputs it produced, a final report and the destruction of
pre-publication material. See docs/adr/0019-projects-close-on-their-own-end-date.md."""
