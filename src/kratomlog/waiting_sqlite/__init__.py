"""Django's SQLite backend, with a writer that waits for another for as long as it writes."""
