"""What a project does and how it goes (works, 工程): its items, progress reports and inspections."""
