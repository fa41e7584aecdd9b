"""Numbers at the counter: found, parsed per language, carried in slots, kept exact."""
