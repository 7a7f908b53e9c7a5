-- 005: a unique index on articles.doc_key.
-- Every batch asks which of its keys are already stored (tacitus.store.db, existing_keys).
-- Without an index that is a scan of the whole doc_key column, which DuckDB then keeps cached
-- for the rest of the batch's session: 0.7 MiB at 1,000 stored documents, 2.3 at 10,000, 5.7
-- at 40,000. With this index the lookup costs 1.3 to 2.0 MiB at all three sizes: DuckDB loads
-- the parts of the index a lookup or an insert needs, not the whole index. The index also
-- makes DuckDB itself refuse a second article with the same key again.

CREATE UNIQUE INDEX articles_doc_key ON articles (doc_key);
