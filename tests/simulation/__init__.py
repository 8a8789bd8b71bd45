"""A simulated month of a large organisation, driven through the real services and the worker."""
