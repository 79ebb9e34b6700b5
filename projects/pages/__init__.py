"""The project pages that bring the parts together: the list and the project page with its steps."""
