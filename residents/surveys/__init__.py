"""Survey campaigns: creating one for a compound or a batch, opening and closing it, its page."""
