import { InputCheck, UserErrorException } from '@retail/platform';
import type { ChannelsContext } from '../loaders';
import type { ConnectionRecord } from '../model';
import { lockConnection, markDisabled } from '../repo/connections';

export interface DisableChannelConnectionInput {
  connectionId: string;
  reason?: string | null;
}

/** disableChannelConnection: its callbacks are refused (stored REJECTED) from now on. Disabling a DISABLED one changes nothing. */
export async function disableChannelConnection(ctx: ChannelsContext, input: DisableChannelConnectionInput): Promise<{ connection: ConnectionRecord | null }> {
  const check = new InputCheck();
  const reason = check.optionalText(input.reason, ['input', 'reason'], 500);
  check.done();
  await ctx.db.transaction(async (tx) => {
    const connection = await lockConnection(tx, ctx.scope, input.connectionId);
    if (!connection) throw UserErrorException.notFound('channel connection', ['input', 'connectionId']);
    if (connection.status !== 'DISABLED') await markDisabled(tx, connection.id, reason);
  });
  return { connection: await ctx.loaders.connection.load(input.connectionId) };
}
