"""The sign-in link as an SVG QR code, inline in the page (no image request, no script)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(link: str) -> Markup:
    """An SVG of `link` as a QR code, safe to place in a template as it is."""
    code = segno.make_qr(link, error="m")
    svg = code.svg_inline(scale=5, border=2, dark="#111", light="#fff", omitsize=True,
                          svgclass="qr", title="QR")
    return Markup(svg)  # noqa: S704 - segno's own SVG of a URL we built; no user text in it
