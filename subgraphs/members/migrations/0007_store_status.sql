-- The store directory keeps each store's status (OPEN, CLOSED) from stores.store.changed: nobody joins at a CLOSED
-- store (registerMember: STORE_CLOSED). Null until the directory hears of it.
ALTER TABLE members.store_directory ADD COLUMN status text CHECK (status IN ('OPEN', 'CLOSED'));
