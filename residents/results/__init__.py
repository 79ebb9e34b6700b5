"""Survey results per compound and building, the support rate against the city's threshold, the
lifecycle guard it sets, and the ranking of candidate compounds by support."""
