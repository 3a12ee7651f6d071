import { InputCheck, UserErrorException } from '@retail/platform';
import { checkSecrets, requireChannelSecrets, rotatedSecrets, secretNames, type ChannelSecretsInput } from '../domain/channel-secrets';
import { credentialKeyring } from '../domain/credential-cipher';
import type { ChannelsContext } from '../loaders';
import type { ConnectionRecord } from '../model';
import { lockConnection, recordSecretsChanged } from '../repo/connections';
import { connectionSecrets, storeSecrets } from '../repo/connection-secrets';

export interface RotateChannelSecretInput {
  connectionId: string;
  secrets: ChannelSecretsInput;
  overlapMinutes?: number | null;
}

/** How long replaced verification secrets still verify callbacks by default: Alipay and WeChat Pay retry a notify for about a day. */
export const DEFAULT_OVERLAP_MINUTES = 1440;
export const MAX_OVERLAP_MINUTES = 10_080;

/**
 * rotateChannelSecret: the given secrets replace theirs (the others are kept) as a new credential version under
 * CHANNEL_SECRET_KEY. New callbacks verify with the new secrets at once; the replaced version still verifies them
 * during the overlap (a notify signed before the provider switched keys, retried later), and never signs.
 */
export async function rotateChannelSecret(ctx: ChannelsContext, input: RotateChannelSecretInput): Promise<{ connection: ConnectionRecord | null }> {
  const check = new InputCheck();
  const given = checkSecrets(check, input.secrets, ['input', 'secrets']);
  check.require(secretNames(given).length > 0, ['input', 'secrets'], 'name at least one secret to replace');
  const overlap = input.overlapMinutes ?? DEFAULT_OVERLAP_MINUTES;
  check.require(Number.isInteger(overlap) && overlap >= 0 && overlap <= MAX_OVERLAP_MINUTES, ['input', 'overlapMinutes'], `must be 0 to ${MAX_OVERLAP_MINUTES} minutes`);
  check.done();
  const keyring = credentialKeyring(ctx.settings);
  await ctx.db.transaction(async (tx) => {
    const connection = await lockConnection(tx, ctx.scope, input.connectionId);
    if (!connection) throw UserErrorException.notFound('channel connection', ['input', 'connectionId']);
    if (connection.status === 'DISABLED') throw UserErrorException.of('CHANNEL_DISABLED', 'the connection is DISABLED', ['input', 'connectionId']);
    const { current } = await connectionSecrets(tx, keyring, connection);
    const secrets = rotatedSecrets(current, given);
    const after = new InputCheck();
    requireChannelSecrets(after, connection.channel, secrets, ['input', 'secrets']);
    after.done();
    await storeSecrets(tx, keyring, connection.id, secrets, overlap);
    await recordSecretsChanged(tx, connection.id, secretNames(secrets));
  });
  return { connection: await ctx.loaders.connection.load(input.connectionId) };
}
