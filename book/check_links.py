#!/usr/bin/env python3
"""Check every internal link of the built HTML book, offline (run by book/build.sh).

    python book/check_links.py [book/_build/html]

For each page (.html file) of the book, every relative href and src (a, link, img,
script, source, iframe) must name a file that exists in the build, and a #fragment
must be an id (or name) on the page it points to. Links with a scheme (https:,
mailto:, data:, ...) or starting with // are external and are not requested: the
check makes no network access. Exits 1 and lists the broken links if any.
"""

import functools
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

LINKING = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "source": "src",
    "iframe": "src",
}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag in ("a", "span", "div", "section") else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        target = attrs.get(LINKING.get(tag, ""))
        if target:
            self.links.append(target.strip())


@functools.cache
def parse(path):
    page = Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def pages(root):
    """The book's pages: every .html file except the theme's template fragments that
    Sphinx copies into _static/ (they hold unrendered template code, not pages)."""
    return [p for p in sorted(root.rglob("*.html")) if "_static" not in p.relative_to(root).parts]


def broken_links(root):
    root = root.resolve()
    broken, checked = [], 0
    for page_path in pages(root):
        for link in parse(page_path).links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or link.startswith("//") or not link:
                continue  # external: not requested
            checked += 1
            target = (
                page_path
                if not parts.path
                else (page_path.parent / urllib.parse.unquote(parts.path)).resolve()
            )
            if target.is_dir():
                target = target / "index.html"
            where = f"{page_path.relative_to(root)}: {link}"
            if root not in target.parents and target != root:
                broken.append(f"{where} (outside the book)")
            elif not target.is_file():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                fragment = urllib.parse.unquote(parts.fragment)
                if fragment not in parse(target).ids:
                    broken.append(f"{where} (no id #{fragment} on {target.relative_to(root)})")
    return broken, checked


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else "book/_build/html")
    if not root.is_dir():
        print(f"no built book at {root}")
        return 1
    broken, checked = broken_links(root)
    for line in broken:
        print("broken link:", line)
    print(
        f"links {'FAILED' if broken else 'OK'}: {checked} internal links on {len(pages(root))} "
        f"pages checked, {len(broken)} broken"
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
