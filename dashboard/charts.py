"""How every page draws a chart: the language's number separators, the colour-blind-safe palette, and a
text alternative (one sentence saying what the chart shows) right under it."""

import plotly.graph_objects as go
import streamlit as st

from dashboard.i18n import Translator
from dashboard.palette import SERIES


def styled(figure: go.Figure, tr: Translator) -> go.Figure:
    figure.update_layout(separators=tr.plotly_separators, colorway=list(SERIES))
    return figure


def show_chart(
    figure: go.Figure, *, key: str, summary: str, tr: Translator, **plotly_options: object
) -> None:
    """The chart, then its text alternative as a caption (screen readers cannot read a canvas). The chart's
    camera button saves it as a PNG named after the chart, at twice the screen resolution for reports."""
    png = {"format": "png", "filename": f"co2calc_{key}", "scale": 2}
    config = {
        "toImageButtonOptions": png,
        "displaylogo": False,
        **dict(plotly_options.pop("config", None) or {}),
    }
    st.plotly_chart(styled(figure, tr), key=key, config=config, **plotly_options)
    st.caption(tr("chart.text_alternative", summary=summary))
