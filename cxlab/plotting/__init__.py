"""Plotting functions: ``plot_<what>(data, *, ..., ax=None) -> Axes``; they never show or save.

Each area has its own module (themes, personas, journey); the public ones are re-exported here.
"""
