-- 006: deduplication catches up on what a run changed, instead of being rebuilt after every run.
-- The rebuild read every stored mention after every run, however few the run added, in passes
-- that each read the whole store: its time grew with the square of the store. Now each batch
-- queues the dedup units its mentions fall in, and the end of the run clusters just those
-- units again (tacitus.store.dedup).
--
-- A unit is the smallest set of mentions whose clustering does not depend on any other: with
-- a window of one day, one group's (source, target, base code, modality) mentions of one day;
-- with a longer window, the whole group; an undated mention, which stands alone, is a unit by
-- itself. `dedup_unit` is a hash naming it, kept on the mentions and on both derived tables.
-- `dedup_pending` holds the units whose derived rows are out of date; a batch adds to it in
-- its own transaction, and a pass of the catch-up removes its units in the transaction that
-- replaces their derived rows, so a crash anywhere leaves every change either applied or
-- still queued. No index: DuckDB keeps the parts of an ART index a statement touched in
-- memory, beyond its memory limit, and random hashes touch all of it (docs/schema.md).
--
-- The hash depends on the window, so the store records the settings its derived tables were
-- built with (`dedup_settings`, one row). Until it has that row (a new store, or one migrated
-- from an earlier version) the first writing open rebuilds the derived tables whole with the
-- default settings, computing every mention's unit, and records them.

ALTER TABLE events ADD COLUMN dedup_unit BIGINT;
ALTER TABLE dedup_events ADD COLUMN dedup_unit BIGINT;
ALTER TABLE event_mentions ADD COLUMN dedup_unit BIGINT;

CREATE TABLE dedup_settings (
    window_days INTEGER NOT NULL,
    lead_sentences INTEGER NOT NULL
);

CREATE TABLE dedup_pending (
    dedup_unit BIGINT NOT NULL
);
