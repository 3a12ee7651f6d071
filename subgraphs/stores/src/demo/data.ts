// Demo data of the stores subgraph (the demo story: README, "Run it"): the group's two brands, their store operators,
// stores with opening hours and guides. Other demo seeds refer to these ids (prices and stock per store,
// guide bindings), so the ids are part of the demo's contract.

export type DemoOperationKind = 'DIRECT' | 'FRANCHISE' | 'JOINT_OPERATION';
export type DemoDayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

export interface DemoBrand {
  id: string;
  code: string;
  name: string;
  groupId: string;
}

export interface DemoFranchisee {
  id: string;
  brandId: string;
  name: string;
  kind: DemoOperationKind;
}

export interface DemoOpeningHours {
  dayOfWeek: DemoDayOfWeek;
  opens: string;
  closes: string;
}

export interface DemoStore {
  id: string;
  brandId: string;
  franchiseeId: string;
  code: string;
  name: string;
  kind: DemoOperationKind;
  address: { province: string; city: string; district: string; line: string; postalCode: string };
  /** GCJ-02. */
  location: { lat: number; lng: number };
  phone: string;
  openingHours: DemoOpeningHours[];
  pickupEnabled: boolean;
  status: 'OPEN' | 'CLOSED';
}

export interface DemoGuide {
  id: string;
  brandId: string;
  storeId: string;
  name: string;
  wecomUserId: string;
  status: 'ACTIVE' | 'LEFT';
  joinedAt: string;
  leftAt: string | null;
}

export const DEMO_GROUP_ID = 'grp-1';

export const DEMO_BRANDS: readonly DemoBrand[] = [
  { id: 'brand-lng', code: 'LNG', name: 'Lumière 朗蜜 内衣', groupId: DEMO_GROUP_ID },
  { id: 'brand-csm', code: 'CSM', name: 'Céleste 澄妆 美妆', groupId: DEMO_GROUP_ID },
];

export const DEMO_FRANCHISEES: readonly DemoFranchisee[] = [
  { id: 'fr-lng-direct', brandId: 'brand-lng', name: '上海朗蜜服饰有限公司（直营）', kind: 'DIRECT' },
  { id: 'fr-lng-a', brandId: 'brand-lng', name: '杭州锦绣丽人商贸有限公司', kind: 'FRANCHISE' },
  { id: 'fr-lng-b', brandId: 'brand-lng', name: '南京悦衣坊服饰有限公司', kind: 'FRANCHISE' },
  { id: 'fr-lng-jo', brandId: 'brand-lng', name: '广州天河城百货有限公司（联营）', kind: 'JOINT_OPERATION' },
  { id: 'fr-csm-direct', brandId: 'brand-csm', name: '上海澄妆化妆品有限公司（直营）', kind: 'DIRECT' },
  { id: 'fr-csm-a', brandId: 'brand-csm', name: '杭州美悦商贸有限公司', kind: 'FRANCHISE' },
  { id: 'fr-csm-b', brandId: 'brand-csm', name: '深圳丽颜化妆品贸易有限公司', kind: 'FRANCHISE' },
  { id: 'fr-csm-jo', brandId: 'brand-csm', name: '成都仁和春天百货有限公司（联营）', kind: 'JOINT_OPERATION' },
];

const WEEKDAYS: readonly DemoDayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY'];
const WEEKEND: readonly DemoDayOfWeek[] = ['FRIDAY', 'SATURDAY'];

/** A mall store: one interval a day, longer on Friday and Saturday evenings. */
function mallHours(opens: string, closes: string, weekendCloses = closes): DemoOpeningHours[] {
  return [
    ...WEEKDAYS.map((dayOfWeek) => ({ dayOfWeek, opens, closes })),
    ...WEEKEND.map((dayOfWeek) => ({ dayOfWeek, opens, closes: weekendCloses })),
    { dayOfWeek: 'SUNDAY', opens, closes },
  ];
}

/** A street store that closes for lunch on weekdays and opens through at the weekend. */
function streetHours(): DemoOpeningHours[] {
  return [
    ...[...WEEKDAYS, 'FRIDAY' as const].flatMap((dayOfWeek) => [
      { dayOfWeek, opens: '09:30', closes: '12:30' },
      { dayOfWeek, opens: '13:30', closes: '21:00' },
    ]),
    { dayOfWeek: 'SATURDAY', opens: '10:00', closes: '21:30' },
    { dayOfWeek: 'SUNDAY', opens: '10:00', closes: '21:00' },
  ];
}

type StoreLine = [
  id: string,
  franchiseeId: string,
  code: string,
  name: string,
  address: DemoStore['address'],
  location: DemoStore['location'],
  phone: string,
  openingHours: DemoOpeningHours[],
  pickupEnabled: boolean,
  status?: 'CLOSED',
];

const OPERATOR_OF = new Map(DEMO_FRANCHISEES.map((f) => [f.id, f] as const));

function stores(brandId: string, lines: StoreLine[]): DemoStore[] {
  return lines.map(([id, franchiseeId, code, name, address, location, phone, openingHours, pickupEnabled, status]) => {
    const operator = OPERATOR_OF.get(franchiseeId);
    if (!operator || operator.brandId !== brandId) throw new Error(`demo store ${id}: operator ${franchiseeId} is not of ${brandId}`);
    return { id, brandId, franchiseeId, code, name, kind: operator.kind, address, location, phone, openingHours, pickupEnabled: pickupEnabled && status !== 'CLOSED', status: status ?? 'OPEN' };
  });
}

export const DEMO_STORES: readonly DemoStore[] = [
  ...stores('brand-lng', [
    ['store-lng-01', 'fr-lng-direct', 'LNG-SH-001', '朗蜜 上海久光百货店', { province: '上海市', city: '上海市', district: '静安区', line: '南京西路1618号 久光百货 3楼', postalCode: '200040' }, { lat: 31.2243, lng: 121.4462 }, '021-62881618', mallHours('10:00', '22:00', '22:30'), true],
    ['store-lng-02', 'fr-lng-direct', 'LNG-SH-002', '朗蜜 上海环贸iapm店', { province: '上海市', city: '上海市', district: '徐汇区', line: '淮海中路999号 环贸iapm L2-218', postalCode: '200031' }, { lat: 31.2156, lng: 121.4565 }, '021-54668999', mallHours('10:00', '22:00', '22:30'), true],
    ['store-lng-03', 'fr-lng-a', 'LNG-HZ-001', '朗蜜 杭州湖滨银泰in77店', { province: '浙江省', city: '杭州市', district: '上城区', line: '延安路258号 湖滨银泰in77 C区2楼', postalCode: '310006' }, { lat: 30.2556, lng: 120.1651 }, '0571-87061258', mallHours('10:00', '22:00', '22:30'), true],
    ['store-lng-04', 'fr-lng-a', 'LNG-HZ-002', '朗蜜 杭州西溪印象城店', { province: '浙江省', city: '杭州市', district: '余杭区', line: '五常大道1号 西溪印象城 L1-136', postalCode: '311121' }, { lat: 30.2773, lng: 120.0472 }, '0571-88731136', mallHours('10:00', '22:00'), true],
    ['store-lng-05', 'fr-lng-direct', 'LNG-BJ-001', '朗蜜 北京三里屯太古里店', { province: '北京市', city: '北京市', district: '朝阳区', line: '三里屯路19号 太古里南区 S8-22', postalCode: '100027' }, { lat: 39.9339, lng: 116.4551 }, '010-64178819', mallHours('10:00', '22:00', '22:30'), true],
    ['store-lng-06', 'fr-lng-b', 'LNG-NJ-001', '朗蜜 南京德基广场店', { province: '江苏省', city: '南京市', district: '玄武区', line: '中山路18号 德基广场二期 4楼', postalCode: '210018' }, { lat: 32.0437, lng: 118.7846 }, '025-86776018', mallHours('10:00', '22:00'), true],
    ['store-lng-07', 'fr-lng-b', 'LNG-SZ-001', '朗蜜 苏州中心店', { province: '江苏省', city: '苏州市', district: '苏州工业园区', line: '苏惠路88号 苏州中心商场 L2-207', postalCode: '215021' }, { lat: 31.3182, lng: 120.6727 }, '0512-62998088', mallHours('10:00', '21:30', '22:00'), false],
    ['store-lng-08', 'fr-lng-jo', 'LNG-GZ-001', '朗蜜 广州正佳广场店', { province: '广东省', city: '广州市', district: '天河区', line: '天河路228号 正佳广场 3楼 3F-035', postalCode: '510620' }, { lat: 23.1325, lng: 113.3273 }, '020-38332228', mallHours('10:00', '22:00', '22:30'), true],
    ['store-lng-09', 'fr-lng-jo', 'LNG-SZN-001', '朗蜜 深圳海岸城店', { province: '广东省', city: '深圳市', district: '南山区', line: '文心五路33号 海岸城购物中心 2楼 226', postalCode: '518054' }, { lat: 22.5173, lng: 113.9359 }, '0755-86125033', mallHours('10:00', '22:00', '22:30'), true],
    ['store-lng-10', 'fr-lng-b', 'LNG-CD-001', '朗蜜 成都IFS店', { province: '四川省', city: '成都市', district: '锦江区', line: '红星路三段1号 成都国际金融中心 L3', postalCode: '610021' }, { lat: 30.6553, lng: 104.0824 }, '028-86671001', mallHours('10:00', '22:00'), false, 'CLOSED'],
    ['store-lng-11', 'fr-lng-direct', 'LNG-SH-003', '朗蜜 上海正大广场店', { province: '上海市', city: '上海市', district: '浦东新区', line: '陆家嘴西路168号 正大广场 4楼', postalCode: '200120' }, { lat: 31.2372, lng: 121.4999 }, '021-68870168', mallHours('10:00', '22:00'), false],
  ]),
  ...stores('brand-csm', [
    ['store-csm-01', 'fr-csm-direct', 'CSM-SH-001', '澄妆 上海南京东路旗舰店', { province: '上海市', city: '上海市', district: '黄浦区', line: '南京东路300号 1-2楼', postalCode: '200001' }, { lat: 31.2393, lng: 121.4826 }, '021-63510300', mallHours('09:30', '22:00', '22:30'), true],
    ['store-csm-02', 'fr-csm-direct', 'CSM-SH-002', '澄妆 上海长宁来福士店', { province: '上海市', city: '上海市', district: '长宁区', line: '长宁路1139号 长宁来福士广场 B1-12', postalCode: '200050' }, { lat: 31.2199, lng: 121.4178 }, '021-52371139', mallHours('10:00', '22:00'), true],
    ['store-csm-03', 'fr-csm-direct', 'CSM-BJ-001', '澄妆 北京西单大悦城店', { province: '北京市', city: '北京市', district: '西城区', line: '西单北大街131号 西单大悦城 1楼', postalCode: '100032' }, { lat: 39.9108, lng: 116.3737 }, '010-66519131', mallHours('10:00', '22:00', '22:30'), true],
    ['store-csm-04', 'fr-csm-a', 'CSM-HZ-001', '澄妆 杭州大厦店', { province: '浙江省', city: '杭州市', district: '拱墅区', line: '武林广场1号 杭州大厦购物城 B座1楼', postalCode: '310003' }, { lat: 30.274, lng: 120.1637 }, '0571-85158001', mallHours('10:00', '21:30', '22:00'), true],
    ['store-csm-05', 'fr-csm-a', 'CSM-HZ-002', '澄妆 杭州滨江龙湖天街店', { province: '浙江省', city: '杭州市', district: '滨江区', line: '江汉路1515号 滨江龙湖天街 L1-09', postalCode: '310051' }, { lat: 30.2087, lng: 120.213 }, '0571-86691515', mallHours('10:00', '22:00'), true],
    ['store-csm-06', 'fr-csm-b', 'CSM-SZN-001', '澄妆 深圳COCO Park店', { province: '广东省', city: '深圳市', district: '福田区', line: '福华三路268号 星河COCO Park B1-018', postalCode: '518048' }, { lat: 22.5333, lng: 114.0558 }, '0755-83035268', mallHours('10:00', '22:00', '22:30'), true],
    ['store-csm-07', 'fr-csm-b', 'CSM-GZ-001', '澄妆 广州北京路店', { province: '广东省', city: '广州市', district: '越秀区', line: '北京路238号 名盛广场临街铺', postalCode: '510030' }, { lat: 23.1253, lng: 113.269 }, '020-83327238', streetHours(), true],
    ['store-csm-08', 'fr-csm-jo', 'CSM-CD-001', '澄妆 成都来福士店', { province: '四川省', city: '成都市', district: '武侯区', line: '人民南路四段3号 来福士广场 L1-21', postalCode: '610041' }, { lat: 30.6326, lng: 104.0707 }, '028-85596003', mallHours('10:00', '22:00'), true],
    ['store-csm-09', 'fr-csm-jo', 'CSM-CQ-001', '澄妆 重庆解放碑英利店', { province: '重庆市', city: '重庆市', district: '渝中区', line: '民权路28号 英利国际购物中心 1楼', postalCode: '400010' }, { lat: 29.5587, lng: 106.5774 }, '023-63710028', mallHours('10:00', '22:00', '22:30'), false],
    ['store-csm-10', 'fr-csm-a', 'CSM-NJ-001', '澄妆 南京湖南路店', { province: '江苏省', city: '南京市', district: '鼓楼区', line: '湖南路16号 狮子桥商业街', postalCode: '210009' }, { lat: 32.0664, lng: 118.7836 }, '025-83310016', streetHours(), false, 'CLOSED'],
  ]),
];

type GuideLine = [name: string, wecomUserId: string, joinedOn: string, leftOn?: string];

const BRAND_OF_STORE = new Map(DEMO_STORES.map((s) => [s.id, s.brandId] as const));
const at = (day: string) => `${day}T09:00:00+08:00`;

function guides(storeId: string, lines: GuideLine[]): DemoGuide[] {
  const brandId = BRAND_OF_STORE.get(storeId);
  if (!brandId) throw new Error(`demo guides: unknown store ${storeId}`);
  return lines.map(([name, wecomUserId, joinedOn, leftOn], i) => ({
    id: `gd-${storeId.slice('store-'.length)}-${i + 1}`,
    brandId,
    storeId,
    name,
    wecomUserId,
    status: leftOn ? 'LEFT' : 'ACTIVE',
    joinedAt: at(joinedOn),
    leftAt: leftOn ? at(leftOn) : null,
  }));
}

export const DEMO_GUIDES: readonly DemoGuide[] = [
  ...guides('store-lng-01', [['王思琪', 'WangSiQi', '2021-03-15'], ['陈晓雯', 'ChenXiaoWen', '2022-07-01'], ['刘佳怡', 'LiuJiaYi', '2020-11-02', '2024-06-30'], ['赵雅婷', 'ZhaoYaTing', '2023-09-18']]),
  ...guides('store-lng-02', [['孙梦洁', 'SunMengJie', '2021-05-10'], ['周婉清', 'ZhouWanQing', '2023-02-20']]),
  ...guides('store-lng-03', [['吴静怡', 'WuJingYi', '2020-08-08'], ['郑晓燕', 'ZhengXiaoYan', '2022-04-12'], ['钱丽娜', 'QianLiNa', '2021-01-05', '2024-03-31']]),
  ...guides('store-lng-04', [['冯雨桐', 'FengYuTong', '2022-10-01'], ['蒋欣怡', 'JiangXinYi', '2023-06-15']]),
  ...guides('store-lng-05', [['韩雪', 'HanXue', '2019-12-01'], ['杨紫涵', 'YangZiHan', '2021-08-23'], ['朱丹', 'ZhuDan', '2024-01-08']]),
  ...guides('store-lng-06', [['秦若曦', 'QinRuoXi', '2022-03-01'], ['许诗雨', 'XuShiYu', '2020-09-09', '2023-12-31']]),
  ...guides('store-lng-07', [['何婧', 'HeJing', '2023-04-04'], ['吕佳琪', 'LvJiaQi', '2023-11-11']]),
  ...guides('store-lng-08', [['黄嘉欣', 'HuangJiaXin', '2021-06-18'], ['梁晓彤', 'LiangXiaoTong', '2022-05-20'], ['罗敏仪', 'LuoMinYi', '2020-02-14', '2024-08-15']]),
  ...guides('store-lng-09', [['林可欣', 'LinKeXin', '2022-08-01'], ['谢慧敏', 'XieHuiMin', '2023-03-08']]),
  ...guides('store-lng-10', [['唐甜甜', 'TangTianTian', '2021-10-10', '2024-09-30'], ['邓小雅', 'DengXiaoYa', '2022-01-17', '2024-09-30']]),
  ...guides('store-lng-11', [['曹颖', 'CaoYing', '2023-07-07'], ['彭思雨', 'PengSiYu', '2024-02-26'], ['袁琳', 'YuanLin', '2021-04-19']]),
  ...guides('store-csm-01', [['李梦瑶', 'csm_limengyao', '2020-05-05'], ['张可馨', 'csm_zhangkexin', '2021-09-01'], ['王晨曦', 'csm_wangchenxi', '2022-12-12'], ['陈嘉怡', 'csm_chenjiayi', '2019-07-15', '2024-05-31']]),
  ...guides('store-csm-02', [['刘诗涵', 'csm_liushihan', '2022-06-06'], ['杨雨萱', 'csm_yangyuxuan', '2023-08-28']]),
  ...guides('store-csm-03', [['赵欣然', 'csm_zhaoxinran', '2021-03-03'], ['周子琪', 'csm_zhouziqi', '2022-11-21'], ['吴倩', 'csm_wuqian', '2020-10-10', '2023-10-31']]),
  ...guides('store-csm-04', [['徐雅琴', 'csm_xuyaqin', '2021-02-22'], ['孙佳慧', 'csm_sunjiahui', '2023-05-15']]),
  ...guides('store-csm-05', [['马晓婷', 'csm_maxiaoting', '2022-09-09'], ['胡静', 'csm_hujing', '2024-03-18']]),
  ...guides('store-csm-06', [['郭美琪', 'csm_guomeiqi', '2021-07-26'], ['高子萱', 'csm_gaozixuan', '2022-02-14'], ['林晓琳', 'csm_linxiaolin', '2020-06-01', '2024-07-31']]),
  ...guides('store-csm-07', [['黎嘉敏', 'csm_lijiamin', '2023-01-09'], ['何咏诗', 'csm_heyongshi', '2023-10-16']]),
  ...guides('store-csm-08', [['罗雨菲', 'csm_luoyufei', '2022-04-25'], ['宋佳', 'csm_songjia', '2021-11-29']]),
  ...guides('store-csm-09', [['谭小凤', 'csm_tanxiaofeng', '2022-07-18'], ['冉静', 'csm_ranjing', '2023-12-04']]),
  ...guides('store-csm-10', [['沈清', 'csm_shenqing', '2021-08-16', '2024-10-31'], ['韦婷婷', 'csm_weitingting', '2022-05-09', '2024-10-31']]),
];
