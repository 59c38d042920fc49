"""Reads of the optimization app, one module per part (household, bidding, ...)."""
