"""The learning-city figures per town and year (dashboard, public summary, XLSX), from the records."""
