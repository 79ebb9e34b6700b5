"""The compound registry: compounds, buildings, and whether a compound may be renovated."""
