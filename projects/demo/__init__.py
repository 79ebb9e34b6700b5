"""The demo city's compounds, policy and projects (seed_demo), and the synthetic data of load tests
(generate_synthetic): data generators, kept apart from the domain code they call."""

from .city import seed

__all__ = ["seed"]
