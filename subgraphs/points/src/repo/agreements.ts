import { fetchPage, newId, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { AgreementRecord } from '../model';

/**
 * A partner agreement is in scope for the platform and for everybody acting inside either of its brands (admins,
 * operators, staff, members: a member must see the rate it exchanges at), and for a partner acting for either brand
 * (docs/architecture.md §4). Writes check more (domain/permissions.ts).
 */
export function agreementFence(scope: Scope, p: SqlParams, alias = 'g'): string {
  switch (scope.kind) {
    case 'platform':
      return 'TRUE';
    case 'anonymous':
      return 'FALSE';
    case 'partner': {
      const b = p.add(scope.partnerBrandId);
      return `(${alias}.from_brand_id = ${b} OR ${alias}.to_brand_id = ${b})`;
    }
    default: {
      const b = p.add(scope.brandId);
      return `(${alias}.from_brand_id = ${b} OR ${alias}.to_brand_id = ${b})`;
    }
  }
}

export const AGREEMENT_COLUMNS = `g.id, g.from_brand_id AS "fromBrandId", g.to_brand_id AS "toBrandId", g.rate_from AS "rateFrom", g.rate_to AS "rateTo",
  g.min_points AS "minPoints", g.daily_limit AS "dailyLimitPerMember", g.price_per_point_fen AS "pricePerPointFen", g.currency, g.valid_from AS "validFrom",
  g.valid_to AS "validTo", g.active, g.proposed_by_brand_id AS "proposedByBrandId", g.accepted_at AS "acceptedAt", g.created_at AS "createdAt"`;

/** Agreements by id, inside the scope. */
export async function agreementsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<AgreementRecord[]> {
  const p = new SqlParams();
  return q.query<AgreementRecord>(`SELECT ${AGREEMENT_COLUMNS} FROM points.partner_agreement g WHERE g.id = ANY(${p.add(ids)}::text[]) AND ${agreementFence(scope, p)}`, p.values);
}

/** One page of the agreements where the brand is either side, newest first, inside the scope. */
export function agreementsOfBrand(q: Queryable, scope: Scope, brandId: string, page: PageRequest): Promise<Page<AgreementRecord>> {
  const p = new SqlParams();
  const b = p.add(brandId);
  return fetchPage<AgreementRecord>(
    q,
    p,
    {
      columns: AGREEMENT_COLUMNS,
      from: 'points.partner_agreement g',
      where: `(g.from_brand_id = ${b} OR g.to_brand_id = ${b}) AND ${agreementFence(scope, p)}`,
      sort: [timestampSortKey('g.created_at'), 'g.id'],
      descending: true,
    },
    page,
  );
}

/** The terms of a new agreement. */
export interface NewAgreement {
  fromBrandId: string;
  toBrandId: string;
  rateFrom: number;
  rateTo: number;
  minPoints: number;
  dailyLimitPerMember: number;
  pricePerPointFen: number;
  currency: string;
  validFrom: Date;
  validTo: Date | null;
  proposedByBrandId: string;
  proposedBy: string;
  /** Demo data: a deterministic id; new agreements get a fresh one. */
  id?: string;
}

/** Inserts a proposed (not yet accepted, inactive) agreement. Unfenced: createPartnerAgreement checked the caller. */
export async function insertAgreement(tx: Transaction, a: NewAgreement): Promise<AgreementRecord> {
  const rows = await tx.query<AgreementRecord>(
    `INSERT INTO points.partner_agreement AS g (id, from_brand_id, to_brand_id, rate_from, rate_to, min_points, daily_limit, price_per_point_fen, currency,
                                                valid_from, valid_to, proposed_by_brand_id, proposed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${AGREEMENT_COLUMNS}`,
    [a.id ?? newId('agr'), a.fromBrandId, a.toBrandId, a.rateFrom, a.rateTo, a.minPoints, a.dailyLimitPerMember, a.pricePerPointFen, a.currency, a.validFrom, a.validTo, a.proposedByBrandId, a.proposedBy],
  );
  return rows[0]!;
}

/** An agreement locked for a change, inside the scope; null when absent or out of reach. */
export async function lockAgreement(tx: Transaction, scope: Scope, id: string): Promise<AgreementRecord | null> {
  const p = new SqlParams();
  const rows = await tx.query<AgreementRecord>(
    `SELECT ${AGREEMENT_COLUMNS} FROM points.partner_agreement g WHERE g.id = ${p.add(id)} AND ${agreementFence(scope, p)} FOR UPDATE`,
    p.values,
  );
  return rows[0] ?? null;
}

/** Records the other brand's acceptance. Unfenced: the caller locked the agreement through the fence and checked the brand. */
export async function markAccepted(tx: Transaction, id: string, acceptedBy: string): Promise<AgreementRecord> {
  const rows = await tx.query<AgreementRecord>(
    `UPDATE points.partner_agreement g SET accepted_at = clock_timestamp(), accepted_by = $2, updated_at = clock_timestamp() WHERE g.id = $1 RETURNING ${AGREEMENT_COLUMNS}`,
    [id, acceptedBy],
  );
  return rows[0]!;
}

/** Switches an agreement on or off. Unfenced: see markAccepted. */
export async function setActive(tx: Transaction, id: string, active: boolean): Promise<AgreementRecord> {
  const rows = await tx.query<AgreementRecord>(
    `UPDATE points.partner_agreement g SET active = $2, updated_at = clock_timestamp() WHERE g.id = $1 RETURNING ${AGREEMENT_COLUMNS}`,
    [id, active],
  );
  return rows[0]!;
}

/** A demo agreement: its terms, and whether the other brand accepted it and it is switched on. */
export interface SeedAgreement extends Omit<NewAgreement, 'validFrom' | 'validTo' | 'id'> {
  id: string;
  validFrom: string;
  validTo: string | null;
  accepted: boolean;
  active: boolean;
}

/** Demo data: agreements in one statement; those already there are left as they are. */
export async function seedAgreements(q: Queryable, agreements: readonly SeedAgreement[]): Promise<void> {
  await q.query(
    `INSERT INTO points.partner_agreement (id, from_brand_id, to_brand_id, rate_from, rate_to, min_points, daily_limit, price_per_point_fen, currency, valid_from, valid_to,
                                           proposed_by_brand_id, proposed_by, accepted_at, accepted_by, active)
     SELECT x.id, x."fromBrandId", x."toBrandId", x."rateFrom", x."rateTo", x."minPoints", x."dailyLimitPerMember", x."pricePerPointFen", x.currency, x."validFrom", x."validTo",
            x."proposedByBrandId", x."proposedBy", CASE WHEN x.accepted THEN x."validFrom" END, CASE WHEN x.accepted THEN 'demo' END, x.active
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "fromBrandId" text, "toBrandId" text, "rateFrom" integer, "rateTo" integer, "minPoints" integer, "dailyLimitPerMember" integer,
            "pricePerPointFen" bigint, currency text, "validFrom" timestamptz, "validTo" timestamptz, "proposedByBrandId" text, "proposedBy" text, accepted boolean, active boolean)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(agreements)],
  );
}
