"""Dashboard pages: layout only. Every number comes from a named query in queries/."""
