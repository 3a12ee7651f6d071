/**
 * Waits for an effect that travels by event (the outbox relay, the transport, a consumer in another subgraph):
 * the probe's first answer that is neither null nor undefined, or an error naming what did not happen in time.
 */
export async function eventually<T>(probe: () => Promise<T | null | undefined>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
