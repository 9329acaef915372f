"""Pure Block Kit builders, and the parsers of what comes back from them."""
