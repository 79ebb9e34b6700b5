"""Official notices (公文): kinds registered by subject, issued with gapless document numbers,
rendered to PDF after GB/T 9704-2012 by background jobs, and kept in a register."""
