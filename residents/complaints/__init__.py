"""Complaints and feedback: recording, assigning, answering and closing, overdue flags, statistics."""
