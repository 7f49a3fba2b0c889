"""A small WSGI app that takes over a legacy PHP site, one URL at a time."""
