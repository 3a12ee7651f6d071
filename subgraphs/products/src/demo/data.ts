// Demo data of the products subgraph (the demo story: README, "Run it"): the two brands' catalogs (SPU × SKU),
// per-store prices (千店千面) and store stock. Store ids are owned by the stores subgraph (its demo data,
// imported through '@retail/stores/demo'); products keeps only a directory of them (store → brand,
// franchisee) to fence stock and prices. Everything is deterministic: the same ids, codes, barcodes and
// quantities on every run.
import { DEMO_STORES } from '@retail/stores/demo';

export interface DemoSkuAttribute {
  name: string;
  value: string;
}

export interface DemoSku {
  id: string;
  /** 货号, unique within the brand. */
  code: string;
  /** EAN-13 with a valid check digit. */
  barcode: string;
  attributes: DemoSkuAttribute[];
  listPriceFen: number;
  currency: 'CNY';
}

export type DemoProductStatus = 'DRAFT' | 'ACTIVE' | 'ARCHIVED';

export interface DemoProduct {
  id: string;
  brandId: string;
  title: string;
  category: string;
  description: string;
  images: string[];
  status: DemoProductStatus;
  /** ISO 8601; products are listed newest first. */
  createdAt: string;
  skus: DemoSku[];
}

export interface DemoStoreDirectoryEntry {
  storeId: string;
  brandId: string;
  franchiseeId: string;
}

export interface DemoStorePrice {
  storeId: string;
  skuId: string;
  priceFen: number;
  currency: 'CNY';
}

export interface DemoStock {
  storeId: string;
  skuId: string;
  onHand: number;
  reserved: number;
}

// ---- helpers ----

/** FNV-1a: a stable pseudo-random number per string, so quantities never change between runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Appends the EAN-13 check digit to 12 digits. */
export function ean13(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error(`EAN-13 needs 12 digits, got ${first12}`);
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return first12 + String((10 - (sum % 10)) % 10);
}

// ---- stores (owned by the stores subgraph; products keeps a directory of them, as its events would) ----

/** When the demo directory says the demo stores last changed: any real stores.store.changed event is newer. */
export const DEMO_DIRECTORY_AS_OF = '2024-01-01T00:00:00Z';

export const DEMO_CATALOG_STORES: readonly DemoStoreDirectoryEntry[] = DEMO_STORES.map((s) => ({ storeId: s.id, brandId: s.brandId, franchiseeId: s.franchiseeId }));

// ---- products ----

interface OptionValue {
  label: string;
  /** Part of the SKU code, e.g. BK for 黑色. */
  code: string;
  /** Overrides the product's base price (e.g. a larger bottle). */
  priceFen?: number;
}

interface ProductSpec {
  /** Style number (款号) without the brand prefix, e.g. BR-2401. */
  style: string;
  title: string;
  category: string;
  description: string;
  priceFen: number;
  status?: DemoProductStatus;
  options: { name: string; values: OptionValue[] }[];
}

interface BrandSpec {
  brandId: string;
  /** Brand prefix of ids and codes. */
  prefix: 'LNG' | 'CSM';
  /** GS1 company prefix (690–699: China) of the brand's barcodes, 7 digits. */
  gs1: string;
  /** When the brand's first demo product was created; the others follow a few days apart. */
  firstCreatedAt: string;
  products: ProductSpec[];
}

const colour = (label: string, code: string): OptionValue => ({ label, code });
const sizes = (...labels: string[]): OptionValue[] => labels.map((l) => ({ label: l, code: l }));
const volume = (label: string, priceFen: number): OptionValue => ({ label, code: label.toUpperCase(), priceFen });
const shade = (label: string, code: string): OptionValue => ({ label, code });

const LINGERIE: BrandSpec = {
  brandId: 'brand-lng',
  prefix: 'LNG',
  gs1: '6921168',
  firstCreatedAt: '2024-08-01T02:00:00.000Z',
  products: [
    {
      style: 'BR-2301', title: '经典全罩杯文胸', category: '内衣/文胸', priceFen: 23900, status: 'ARCHIVED',
      description: '2023 秋冬经典款，全罩杯包容，宽肩带减压。已下架，仅供历史订单查询。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('肤色', 'NU')] }, { name: '尺码', values: sizes('75B', '80B', '85C') }],
    },
    {
      style: 'BR-2401', title: '无钢圈蕾丝聚拢文胸', category: '内衣/文胸', priceFen: 29900,
      description: '法式蕾丝杯面，无钢圈软支撑，侧收副乳，聚拢不压胸。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('肤色', 'NU'), colour('酒红', 'WR')] }, { name: '尺码', values: sizes('70B', '75B', '75C', '80B', '80C') }],
    },
    {
      style: 'BR-2402', title: '云朵软支撑无痕文胸', category: '内衣/文胸', priceFen: 25900,
      description: '一片式无痕杯，云朵棉软支撑，贴身无感，适合日常通勤。',
      options: [{ name: '颜色', values: [colour('肤色', 'NU'), colour('雾蓝', 'BL')] }, { name: '尺码', values: sizes('70A', '75A', '75B', '80B') }],
    },
    {
      style: 'BR-2403', title: '法式刺绣三角杯文胸', category: '内衣/文胸', priceFen: 32900,
      description: '手工感刺绣三角杯，薄杯透气，适合小胸型穿出法式慵懒。',
      options: [{ name: '颜色', values: [colour('白色', 'WH'), colour('黑色', 'BK')] }, { name: '尺码', values: sizes('70B', '75B', '80B') }],
    },
    {
      style: 'BR-2404', title: '高强度防震运动文胸', category: '内衣/文胸', priceFen: 27900,
      description: '高强度防震，前拉链穿脱方便，速干面料，跑步跳操都稳。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('灰色', 'GY')] }, { name: '尺码', values: sizes('S', 'M', 'L', 'XL') }],
    },
    {
      style: 'PT-2401', title: '冰丝无痕中腰内裤（3条装）', category: '内衣/内裤', priceFen: 9900,
      description: '冰丝面料凉感透气，激光切边无痕，3 条装。',
      options: [{ name: '颜色', values: [colour('肤色', 'NU'), colour('黑色', 'BK'), colour('樱花粉', 'PK')] }, { name: '尺码', values: sizes('M', 'L', 'XL') }],
    },
    {
      style: 'PT-2402', title: '纯棉抗菌高腰内裤', category: '内衣/内裤', priceFen: 7900,
      description: '新疆长绒棉，裆部抗菌，高腰暖腹。',
      options: [{ name: '颜色', values: [colour('白色', 'WH'), colour('灰色', 'GY')] }, { name: '尺码', values: sizes('M', 'L', 'XL', 'XXL') }],
    },
    {
      style: 'PT-2403', title: '蕾丝低腰三角裤', category: '内衣/内裤', priceFen: 6900, status: 'DRAFT',
      description: '与 BR-2401 同系列蕾丝，低腰三角版型。筹备中。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('酒红', 'WR')] }, { name: '尺码', values: sizes('M', 'L') }],
    },
    {
      style: 'PJ-2401', title: '真丝长袖睡衣套装', category: '家居服/睡衣', priceFen: 89900,
      description: '19 姆米桑蚕丝，长袖翻领，亲肤垂顺。',
      options: [{ name: '颜色', values: [colour('香槟', 'CH'), colour('墨绿', 'GN')] }, { name: '尺码', values: sizes('S', 'M', 'L') }],
    },
    {
      style: 'PJ-2402', title: '纯棉格纹家居服套装', category: '家居服/睡衣', priceFen: 39900,
      description: '精梳棉格纹，宽松版型，可外穿的家居服。',
      options: [{ name: '颜色', values: [colour('蓝格', 'BL'), colour('粉格', 'PK')] }, { name: '尺码', values: sizes('M', 'L', 'XL') }],
    },
    {
      style: 'PJ-2403', title: '莫代尔吊带睡裙', category: '家居服/睡裙', priceFen: 25900,
      description: '莫代尔面料，细吊带，垂感好，夏季睡眠更清爽。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('丁香紫', 'PU')] }, { name: '尺码', values: sizes('M', 'L') }],
    },
    {
      style: 'SH-2401', title: '高腰收腹提臀塑身裤', category: '塑身/塑身裤', priceFen: 45900,
      description: '高腰收腹，3D 提臀剪裁，防卷边硅胶条。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('肤色', 'NU')] }, { name: '尺码', values: sizes('S', 'M', 'L', 'XL') }],
    },
    {
      style: 'SH-2402', title: '无痕连体塑身衣', category: '塑身/塑身衣', priceFen: 59900,
      description: '连体无痕塑形，分区加压，开裆设计如厕方便。',
      options: [{ name: '颜色', values: [colour('黑色', 'BK'), colour('肤色', 'NU')] }, { name: '尺码', values: sizes('S', 'M', 'L') }],
    },
    {
      style: 'SH-2403', title: '产后收腹带', category: '塑身/塑身衣', priceFen: 19900, status: 'ARCHIVED',
      description: '产后恢复收腹带，可调节魔术贴。已停产。',
      options: [{ name: '尺码', values: sizes('M', 'L', 'XL') }],
    },
  ],
};

const COSMETICS: BrandSpec = {
  brandId: 'brand-csm',
  prefix: 'CSM',
  gs1: '6930547',
  firstCreatedAt: '2024-08-02T03:00:00.000Z',
  products: [
    {
      style: 'LP-2301', title: '滋润保湿润唇膏', category: '彩妆/口红', priceFen: 15900, status: 'ARCHIVED',
      description: '乳木果油滋润配方。已下架。',
      options: [{ name: '色号', values: [shade('#01 透明', '01'), shade('#02 淡粉', '02')] }],
    },
    {
      style: 'SE-2401', title: '小棕瓶修护精华液', category: '护肤/精华', priceFen: 59000,
      description: '二裂酵母修护精华，夜间修护屏障，改善暗沉。',
      options: [{ name: '规格', values: [volume('30ml', 59000), volume('50ml', 86000), volume('100ml', 139000)] }],
    },
    {
      style: 'SE-2402', title: '烟酰胺焕亮精华', category: '护肤/精华', priceFen: 32900,
      description: '5% 烟酰胺，提亮肤色，淡化痘印。',
      options: [{ name: '规格', values: [volume('30ml', 32900), volume('50ml', 45900)] }],
    },
    {
      style: 'SE-2403', title: '玻尿酸补水原液', category: '护肤/精华', priceFen: 19900,
      description: '多分子玻尿酸，深层补水，妆前急救。',
      options: [{ name: '规格', values: [volume('30ml', 19900)] }],
    },
    {
      style: 'CR-2401', title: '多肽紧致面霜', category: '护肤/面霜', priceFen: 68000,
      description: '多重胜肽，淡纹紧致，质地丰润不油腻。',
      options: [{ name: '规格', values: [volume('15g', 26000), volume('50g', 68000)] }],
    },
    {
      style: 'CR-2402', title: '神经酰胺修护面霜', category: '护肤/面霜', priceFen: 39800,
      description: '神经酰胺 + 积雪草，敏感肌屏障修护。',
      options: [{ name: '规格', values: [volume('50g', 39800)] }],
    },
    {
      style: 'CR-2403', title: '清透保湿水乳霜', category: '护肤/面霜', priceFen: 22900, status: 'DRAFT',
      description: '夏季清透保湿，新品筹备中。',
      options: [{ name: '规格', values: [volume('50g', 22900)] }],
    },
    {
      style: 'CR-2404', title: '抗皱淡纹眼霜', category: '护肤/眼霜', priceFen: 52000,
      description: 'A 醇微囊包裹，温和淡化细纹与眼周干纹。',
      options: [{ name: '规格', values: [volume('15ml', 52000)] }],
    },
    {
      style: 'LP-2401', title: '丝绒哑光口红', category: '彩妆/口红', priceFen: 32000,
      description: '丝绒哑光质地，一抹显色，持妆不拔干。',
      options: [{ name: '色号', values: [shade('#999 正红', '999'), shade('#520 枫叶棕', '520'), shade('#316 豆沙', '316'), shade('#888 复古红', '888')] }],
    },
    {
      style: 'LP-2402', title: '水光镜面唇釉', category: '彩妆/口红', priceFen: 26000,
      description: '镜面水光感，嘟嘟唇效果，轻薄不黏。',
      options: [{ name: '色号', values: [shade('#01 蜜桃', '01'), shade('#05 西柚', '05'), shade('#12 玫瑰', '12')] }],
    },
    {
      style: 'FD-2401', title: '持妆无瑕粉底液', category: '彩妆/粉底', priceFen: 45000,
      description: '24 小时持妆，轻薄遮瑕，油皮亲妈。',
      options: [{ name: '色号', values: [shade('1C0 象牙白', '1C0'), shade('1W1 自然色', '1W1'), shade('2N1 小麦色', '2N1')] }, { name: '规格', values: [{ label: '30ml', code: '30ML' }] }],
    },
    {
      style: 'FD-2402', title: '轻薄水润气垫粉底', category: '彩妆/粉底', priceFen: 38000,
      description: '水润气垫，自然光泽妆效，附替换芯。',
      options: [{ name: '色号', values: [shade('N10 亮白', 'N10'), shade('N20 自然', 'N20'), shade('N30 暖调', 'N30')] }],
    },
    {
      style: 'FD-2403', title: '控油哑光粉底棒', category: '彩妆/粉底', priceFen: 29900, status: 'DRAFT',
      description: '便携粉底棒，控油哑光。筹备中。',
      options: [{ name: '色号', values: [shade('N10 亮白', 'N10'), shade('N20 自然', 'N20')] }],
    },
  ],
};

function cartesian(options: ProductSpec['options']): { name: string; value: OptionValue }[][] {
  return options.reduce<{ name: string; value: OptionValue }[][]>(
    (combos, opt) => combos.flatMap((c) => opt.values.map((value) => [...c, { name: opt.name, value }])),
    [[]],
  );
}

function productsOf(brand: BrandSpec): DemoProduct[] {
  let serial = 0;
  const first = Date.parse(brand.firstCreatedAt);
  return brand.products.map((spec, i) => {
    const styleCode = `${brand.prefix}-${spec.style}`;
    const skus = cartesian(spec.options).map((combo): DemoSku => {
      serial += 1;
      const code = [styleCode, ...combo.map((c) => c.value.code)].join('-');
      const price = combo.find((c) => c.value.priceFen !== undefined)?.value.priceFen ?? spec.priceFen;
      return {
        id: `sku-${code.toLowerCase()}`,
        code,
        barcode: ean13(`${brand.gs1}${String(serial).padStart(5, '0')}`),
        attributes: combo.map((c) => ({ name: c.name, value: c.value.label })),
        listPriceFen: price,
        currency: 'CNY',
      };
    });
    const slug = styleCode.toLowerCase();
    return {
      id: `prd-${slug}`,
      brandId: brand.brandId,
      title: spec.title,
      category: spec.category,
      description: spec.description,
      images: [`https://img.example.com/${brand.prefix.toLowerCase()}/${spec.style.toLowerCase()}/cover.jpg`, `https://img.example.com/${brand.prefix.toLowerCase()}/${spec.style.toLowerCase()}/detail-1.jpg`],
      status: spec.status ?? 'ACTIVE',
      createdAt: new Date(first + i * 5 * 86_400_000).toISOString(),
      skus,
    };
  });
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [...productsOf(LINGERIE), ...productsOf(COSMETICS)];

// ---- per-store prices (千店千面) ----

/** Franchised and joint-operation stores run their own promotions on a few styles. */
const STORE_PRICE_RULES: { storeIds: string[]; productIds: string[]; percent: number }[] = [
  { storeIds: ['store-lng-04', 'store-lng-05'], productIds: ['prd-lng-br-2401', 'prd-lng-pt-2401'], percent: 90 },
  { storeIds: ['store-lng-07'], productIds: ['prd-lng-pj-2401'], percent: 85 },
  { storeIds: ['store-lng-10'], productIds: ['prd-lng-br-2402', 'prd-lng-sh-2401'], percent: 95 },
  { storeIds: ['store-csm-04', 'store-csm-09'], productIds: ['prd-csm-lp-2401'], percent: 88 },
  { storeIds: ['store-csm-07'], productIds: ['prd-csm-se-2401', 'prd-csm-cr-2401'], percent: 92 },
];

export const DEMO_STORE_PRICES: readonly DemoStorePrice[] = STORE_PRICE_RULES.flatMap((rule) =>
  rule.storeIds.flatMap((storeId) =>
    DEMO_PRODUCTS.filter((p) => rule.productIds.includes(p.id)).flatMap((p) =>
      // Rounded down to whole yuan, as shops price.
      p.skus.map((s) => ({ storeId, skuId: s.id, priceFen: Math.floor((s.listPriceFen * rule.percent) / 100 / 100) * 100, currency: 'CNY' as const })),
    ),
  ),
);

// ---- stock ----

/** Every sellable SKU of a brand at each of the brand's stores; about one in seven is sold out. */
export const DEMO_STOCK: readonly DemoStock[] = DEMO_PRODUCTS.filter((p) => p.status !== 'DRAFT').flatMap((p) =>
  DEMO_CATALOG_STORES.filter((s) => s.brandId === p.brandId).flatMap((store) =>
    p.skus.map((sku) => {
      const h = hash(`${store.storeId}/${sku.id}`);
      const onHand = p.status === 'ARCHIVED' || h % 7 === 0 ? 0 : 1 + (h % 24);
      return { storeId: store.storeId, skuId: sku.id, onHand, reserved: onHand > 2 ? (h >>> 8) % 3 : 0 };
    }),
  ),
);
