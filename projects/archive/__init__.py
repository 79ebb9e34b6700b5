"""A project's archive: typed attachments and the prerequisites the city asks for."""
