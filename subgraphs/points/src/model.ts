// The points subgraph's records as the repositories return them (camelCase, points as integers).

/** Ledger entry kinds. MERGE_OUT / MERGE_IN move a merged member's points to the survivor and are not listed to clients. */
export type EntryKind = 'EARN' | 'REDEEM' | 'EXPIRE' | 'REVERSAL' | 'ADJUST' | 'MERGE_OUT' | 'MERGE_IN' | 'EXCHANGE_OUT' | 'EXCHANGE_IN';

/** The kinds PointsTransactionKind has (the contract's). */
export type PointsTransactionKind = 'EARN' | 'REDEEM' | 'EXPIRE' | 'REVERSAL' | 'EXCHANGE_OUT' | 'EXCHANGE_IN' | 'ADJUST';

/** A points account as the caller may see it (the repositories return only accounts inside the fence). */
export interface AccountRecord {
  id: string;
  memberId: string;
  brandId: string;
  homeStoreId: string | null;
}

/** What an account holds now, from its lots: spendable (released, not expired) and pending points. */
export interface AccountPoints {
  accountId: string;
  balance: number;
  pending: number;
}

/** An account locked for a write, with its cached totals. */
export interface LockedAccount {
  id: string;
  memberId: string;
  brandId: string;
  balance: number;
  pending: number;
}

/** An entry of the ledger. */
export interface EntryRecord {
  id: string;
  accountId: string;
  kind: EntryKind;
  points: number;
  balanceAfter: number;
  reason: string | null;
  orderId: string | null;
  /** The exchange that caused it (EXCHANGE_OUT, EXCHANGE_IN and their reversals). */
  exchangeId: string | null;
  createdAt: Date | string;
  /** A credit's lot expiry; null for debits. */
  expiresAt: Date | string | null;
}

/** A lot (积分批次) as the ledger spends it. */
export interface LotRecord {
  id: string;
  accountId: string;
  points: number;
  remaining: number;
  released: boolean;
  expiresAt: Date;
  orderId: string | null;
}

/** Points of an account lapsing on one date. */
export interface ExpiringPoints {
  accountId: string;
  points: number;
  expiresAt: Date;
}

/** A brand's earning rule. */
export interface EarningRule {
  brandId: string;
  pointsPerYuan: number;
  /** Tier code → multiplier in permille (1500 = 1.5×); a tier not listed earns 1×. */
  tierMultipliers: Record<string, number>;
  expiryMonths: number;
  holdingDays: number;
  timeZone: string;
}

/** What a write command returns (and its idempotency record replays): the entry it booked and the account. */
export interface LedgerWrite {
  transaction: EntryRecord;
  account: AccountRecord;
}

/** A partner agreement (异业合作) between two brands: from_brand's points become to_brand's at rateFrom:rateTo. */
export interface AgreementRecord {
  id: string;
  fromBrandId: string;
  toBrandId: string;
  rateFrom: number;
  rateTo: number;
  minPoints: number;
  dailyLimitPerMember: number;
  /** What fromBrand owes toBrand per point credited at toBrand, in fen. */
  pricePerPointFen: number;
  currency: string;
  validFrom: Date | string;
  validTo: Date | string | null;
  active: boolean;
  proposedByBrandId: string;
  /** Null until the other brand accepted it. */
  acceptedAt: Date | string | null;
  createdAt: Date | string;
}

/** A rate-locked exchange quote. */
export interface QuoteRecord {
  id: string;
  agreementId: string;
  fromBrandId: string;
  toBrandId: string;
  fromMemberId: string;
  toMemberId: string;
  oneId: string;
  fromPoints: number;
  toPoints: number;
  rateFrom: number;
  rateTo: number;
  pricePerPointFen: number;
  currency: string;
  createdAt: Date | string;
  expiresAt: Date | string;
}

export type ExchangeStatus = 'COMMITTED' | 'REVERSED';

/** A committed exchange (积分异业兑换). */
export interface ExchangeRecord {
  id: string;
  quoteId: string;
  agreementId: string;
  fromEntryId: string;
  toEntryId: string;
  fromPoints: number;
  toPoints: number;
  status: ExchangeStatus;
  committedAt: Date | string;
  reversedAt: Date | string | null;
}

/** A partner settlement statement's figures over a period (net of reversals booked in it). */
export interface SettlementFigures {
  exchangeCount: number;
  pointsOut: number;
  pointsIn: number;
  amountFen: number;
}
