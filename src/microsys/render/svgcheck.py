"""Only plain drawings go into a report: SVG that cannot run code or fetch anything.

microsys draws every figure itself, so a figure that fails this check was not drawn
by it (a tampered cache, for one). The check is an allow-list of the elements and
attributes microsys's drawings use; anything else (scripts, ``foreignObject``,
event handlers, links or styles that reach outside the drawing, entities) makes
the figure unsafe, and it is left out of the report rather than cleaned up.
"""

from __future__ import annotations

import re

_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "clipPath", "path", "line", "polyline", "polygon", "rect", "circle",
        "ellipse", "text", "tspan", "title", "desc", "use", "style", "metadata",
    }
)  # fmt: skip
_ATTRIBUTES = frozenset(
    {
        "xmlns", "version", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
        "r", "rx", "ry", "d", "points", "transform", "id", "class", "style", "type", "role",
        "clip-path", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray",
        "stroke-linecap", "stroke-linejoin", "stroke-opacity", "stroke-miterlimit", "opacity",
        "font-family", "font-size", "font-weight", "font-style", "text-anchor",
        "dominant-baseline", "href", "preserveAspectRatio", "space",
    }
)  # fmt: skip
_OUTSIDE = re.compile(r"url\s*\(\s*(?!['\"]?#)|@import|expression\s*\(|javascript:|data:", re.I)
# Placeholder shown instead of a figure that failed the check.
LEFT_OUT = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60" width="300" height="60" role="img">'
    "<title>figure left out</title>"
    '<text x="10" y="35" font-size="12" fill="#6b6b6b">figure left out: it was not a plain drawing</text>'
    "</svg>"
)


# Characters XML does not allow (control characters, lone surrogates, U+FFFE/FFFF): a
# workbook text can hold them (YAML escapes), and they would make a drawing unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML does not allow shown as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def problem(svg: str) -> str | None:
    """Why ``svg`` is not a plain drawing, or ``None`` when it is."""
    import xml.etree.ElementTree as ET

    if re.search(r"<!(?:DOCTYPE|ENTITY)", svg, re.I):
        return "it declares a document type or entities"
    if re.search(r"<\?(?!xml\s)", svg):
        return "it holds processing instructions"
    try:
        root = ET.fromstring(_NOT_XML.sub("\ufffd", svg))
    except ET.ParseError as exc:
        return f"it is not well-formed XML ({exc})"
    if _local(root.tag) != "svg":
        return "it is not an SVG drawing"
    for element in root.iter():
        tag = _local(str(element.tag))
        if tag not in _ELEMENTS:
            return f"it has a <{tag}> element"
        for name, value in element.attrib.items():
            attr = _local(name)
            if attr not in _ATTRIBUTES:
                return f"<{tag}> has a {attr} attribute"
            if attr == "href" and not value.startswith("#"):
                return f"<{tag}> links to {value[:60]!r}"
            if _OUTSIDE.search(value):
                return f"<{tag}> {attr} reaches outside the drawing"
        if tag == "style" and _OUTSIDE.search(element.text or ""):
            return "its style sheet reaches outside the drawing"
    return None


def plain(svg: str) -> str:
    """``svg`` when it is a plain drawing, else a placeholder that says it was left out.

    Characters XML does not allow are shown as U+FFFD, so that every reader can read it.
    """
    svg = _NOT_XML.sub("\ufffd", svg)
    return svg if problem(svg) is None else LEFT_OUT
