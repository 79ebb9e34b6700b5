"""The public page (公示) of a project: published by city staff, read without logging in at an
unguessable address, with a QR code for the site board and the 改造公示 notice (docs/public-pages.md)."""
