"""Component-class styles as Rich styles for spans of text, translucent colours (like `$text-muted`) included."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def span_style(widget: Widget, component: str) -> Style:
    """The style of `widget`'s component class `component`, for a span drawn on the widget's background.

    Textual's partial component style drops a colour's alpha, so `$text-muted` would come out as
    full-strength text; such a colour is blended onto the widget's background instead.
    """
    styles = widget.get_component_styles(component)
    style = styles.partial_rich_style
    if styles.has_rule("color") and 0 < styles.color.a < 1:
        style += Style(color=(widget.background_colors[1] + styles.color).rich_color)
    return style
