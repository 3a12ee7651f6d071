-- Guide handover (离职继承): when a guide left, as the stores subgraph reported it in 'stores.guide.changed'
-- (leftAt). A LEFT guide keeps its customers bound until inheritGuideCustomers hands them over; the store's view
-- (Store.guidesAwaitingHandover) lists such guides longest waiting first. Null for a guide recorded before.
ALTER TABLE members.guide_directory ADD COLUMN left_at timestamptz;
