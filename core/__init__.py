"""Shared machinery with no domain words: base model, restrict(), generic views, audit log, jobs, PDFs."""
