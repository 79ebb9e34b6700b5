"""Annual quotas (年度任务): services, the city's table with its warning, the page and the import."""
