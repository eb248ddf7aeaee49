"""Heading anchors as JupyterLab makes them, so one link works in both places.

JupyterLab gives a heading "## Key takeaways" the id "Key-takeaways" (the text
with spaces replaced by hyphens, case kept). The chapters link to such ids,
e.g. ``00_introduction.ipynb#Glossary``; MyST's default slugs are lower-case.
"""


def slug(text):
    """JupyterLab's heading id for ``text``."""
    return text.strip().replace(" ", "-")


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
