-- A stock reservation is for one order at one store (docs/events.md: reserveStock is unique per order): a second
-- reserveStock for the same order returns the first reservation instead of holding stock again. The unique index
-- is the backstop of the advisory lock reserveStock takes on the order id.
CREATE UNIQUE INDEX stock_reservation_order ON products.stock_reservation (order_id);

-- Units of a line given back before pickup by a partial RETURN (a refunded line not collected); the line's
-- quantity stays what was reserved, so a replayed reserveStock still matches. Held = quantity - returned.
ALTER TABLE products.stock_reservation_line
  ADD COLUMN returned integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT stock_reservation_line_returned CHECK (returned >= 0 AND returned <= quantity);
