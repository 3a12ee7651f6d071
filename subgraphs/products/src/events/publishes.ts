// products publishes no events yet (its outbox relay does not start while this list is empty).
export const PUBLISHES: readonly string[] = [];
