"""Writes and job runners of the optimization app, one module per part (household, bidding, ...)."""
