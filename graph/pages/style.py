"""The look shared by every page: a colour and shape per class, and amounts as people read them.

Examples
--------
>>> readable_amount(1_000_000_000), readable_amount(750_000_000), readable_amount(12_500)
('$1.0 B', '$750 M', '$12,500')
"""

from __future__ import annotations

__all__ = ["CLASS_STYLES", "readable_amount"]

CLASS_STYLES: dict[str, tuple[str, str]] = {
    "Country": ("#4e79a7", "square"),
    "Region": ("#76b7b2", "triangle"),
    "Agency": ("#f28e2b", "dot"),
    "Organization": ("#edc948", "dot"),
    "Person": ("#e15759", "star"),
    "Program": ("#59a14f", "hexagon"),
    "Policy": ("#b07aa1", "triangleDown"),
    "Pledge": ("#ff9da7", "diamond"),
    "Statistic": ("#9c755f", "square"),
    "Joint recipients": ("#bab0ac", "square"),
}
"""Class → (colour, vis-network shape); the legend lists the classes present."""


def readable_amount(value: float) -> str:
    """A USD amount as people read it in a picture: '$1.0 B', '$750 M', '$12,500'."""
    if value >= 1e9:
        return f"${value / 1e9:.1f} B"
    if value >= 1e6:
        return f"${value / 1e6:.0f} M"
    return f"${value:,.0f}"
