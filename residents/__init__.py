"""Households, surveys and answers, per-household contributions, complaints."""
