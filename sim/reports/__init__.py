"""Reports: turning replications and experiments into text, tables and pictures."""
