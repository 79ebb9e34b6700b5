"""The project lifecycle: projects as a whole, their stages and steps, and the deadline calendar."""
