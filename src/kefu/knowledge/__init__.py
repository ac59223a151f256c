"""Knowledge and case library: articles, call scripts and anonymized cases, searched in
Chinese (jieba-segmented; SQLite FTS5, PostgreSQL tsvector)."""
