import { administersBrand, currentStoreOperator, InputCheck, isUniqueViolation, newId, UserErrorException } from '@retail/platform';
import { checkApiBaseUrl } from '../domain/api-base-url';
import { checkSecrets, DEFAULT_API_BASE_URL, requireChannelSecrets, secretNames, type ChannelSecretsInput } from '../domain/channel-secrets';
import { credentialKeyring } from '../domain/credential-cipher';
import type { ChannelsContext } from '../loaders';
import type { ChannelKind, ConnectionRecord } from '../model';
import { insertConnection } from '../repo/connections';
import { storeSecrets } from '../repo/connection-secrets';

export interface CreateChannelConnectionInput {
  channel: ChannelKind;
  brandId: string;
  storeId?: string | null;
  appId: string;
  merchantId?: string | null;
  apiBaseUrl?: string | null;
  secrets: ChannelSecretsInput;
}

/**
 * createChannelConnection: a brand's (or one of its stores') account on a channel, its secrets encrypted under
 * CHANNEL_SECRET_KEY (write-only). Platform and the brand's admins only (and channels:admin, by the schema).
 */
export async function createChannelConnection(ctx: ChannelsContext, input: CreateChannelConnectionInput): Promise<{ connection: ConnectionRecord | null }> {
  const check = new InputCheck();
  const appId = check.text(input.appId, ['input', 'appId'], 128);
  const merchantId = check.optionalText(input.merchantId, ['input', 'merchantId'], 128);
  if (input.channel === 'WECHAT_PAY') check.require(merchantId !== null, ['input', 'merchantId'], 'WECHAT_PAY needs the merchant id (mchid)');
  const apiBaseUrl = input.apiBaseUrl == null ? DEFAULT_API_BASE_URL[input.channel] : checkApiBaseUrl(check, input.apiBaseUrl, ['input', 'apiBaseUrl']);
  const secrets = checkSecrets(check, input.secrets, ['input', 'secrets']);
  requireChannelSecrets(check, input.channel, secrets, ['input', 'secrets']);
  check.done();
  if (!administersBrand(ctx.scope, input.brandId)) throw UserErrorException.forbidden("only the platform and the brand's admins connect its channels", ['input', 'brandId']);
  const storeId = input.storeId ?? null;
  if (storeId !== null) {
    const store = await currentStoreOperator(ctx.peers, storeId);
    if (!store || store.brandId !== input.brandId) throw UserErrorException.notFound('store of the brand', ['input', 'storeId']);
  }
  const id = newId('chc');
  const keyring = credentialKeyring(ctx.settings);
  await ctx.db.transaction(async (tx) => {
    try {
      await insertConnection(tx, { id, channel: input.channel, brandId: input.brandId, storeId, appId, merchantId, apiBaseUrl, configuredSecrets: secretNames(secrets) });
    } catch (e) {
      if (isUniqueViolation(e, 'connection_account')) throw UserErrorException.of('ALREADY_EXISTS', 'this account is already connected (an ACTIVE connection with the same channel, app and merchant)', ['input', 'appId']);
      throw e;
    }
    await storeSecrets(tx, keyring, id, secrets, 0);
  });
  return { connection: await ctx.loaders.connection.load(id) };
}
