"""Argument types shared by the sub-commands."""
from __future__ import annotations

import argparse


def seed_arg(text: str) -> int:
    """argparse type of ``--seed``: a whole number 0..2**32-1 (what numpy and scikit-learn accept)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be between 0 and 4294967295, got {value}")
    return value
