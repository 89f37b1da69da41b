"""The dashboard's colours, in one place: the Okabe-Ito palette, distinguishable with any colour-vision type.

Okabe, M. and Ito, K. (2008), "Color Universal Design": eight colours that stay apart under protanopia,
deuteranopia and tritanopia. Every figure takes its colours from here; meaning never rests on colour
alone (each chart has a legend or labels, and a text alternative under it).
"""

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
BLACK = "#000000"

# Series colours in order of use (categories, units compared, modules over the years).
SERIES = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, SKY_BLUE, REDDISH_PURPLE, YELLOW, BLACK)
SCOPE_COLOURS = {1: VERMILLION, 2: ORANGE, 3: BLUE}
MODE_COLOURS = {"plane": BLUE, "train": BLUISH_GREEN, "car": ORANGE}
# Reference lines (per-person comparison lines, targets) are black and dashed; the chosen unit stands out in vermillion.
REFERENCE_COLOUR = BLACK
HIGHLIGHT_COLOUR = VERMILLION
# The uncertainty band around a path: sky blue, translucent.
BAND_FILL = "rgba(86, 180, 233, 0.3)"
PLACE_MARKER_COLOUR = "#444444"
# Share of units with data, 0 to 1: vermillion (nothing) through yellow to blue (every unit), apart under every
# colour-vision type; each cell also carries its count as text.
COMPLETENESS_SCALE = ((0.0, VERMILLION), (0.5, YELLOW), (1.0, BLUE))


def series_colour(position: int) -> str:
    return SERIES[position % len(SERIES)]
