// members publishes no events yet (its outbox relay does not start while this list is empty): member events
// arrive with the slices whose consumers need them (orders, points).
export const PUBLISHES: readonly string[] = [];
