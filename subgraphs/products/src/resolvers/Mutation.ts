import { commandResolvers } from '@retail/platform';
import { adjustStock } from '../commands/adjust-stock';
import { releaseStock } from '../commands/release-stock';
import { reserveStock } from '../commands/reserve-stock';
import { setStorePrice } from '../commands/set-store-price';
import { upsertProduct } from '../commands/upsert-product';

/** Each field passes its input to its command; business failures come back as the payload's userErrors. */
export const Mutation = commandResolvers({ upsertProduct, setStorePrice, adjustStock, reserveStock, releaseStock });
