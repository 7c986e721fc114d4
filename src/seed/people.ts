/**
 * People for the demo city's seeds: Chinese names as they are really spread (common
 * surnames by share, older given names for the old), mainland mobile numbers, ID card
 * numbers and household make-ups. Draws only from the PRNG and faker it is given, so a
 * seed that owns both stays deterministic.
 */
import { zh_CN, type Faker } from '@faker-js/faker';
import type { Random } from '../modules/grid/grid.seed';
import { idCardCheckChar } from '../modules/grid/identity';

/** Common surnames with rough shares (‰) of the population; the rest come from faker. */
const SURNAMES: [string, number][] = [
  ['王', 85], ['李', 80], ['张', 75], ['刘', 60], ['陈', 40], ['杨', 32], ['赵', 28], ['孙', 24],
  ['高', 20], ['马', 18], ['黄', 16], ['周', 16], ['吴', 15], ['徐', 15], ['朱', 13], ['胡', 12],
  ['郭', 14], ['何', 10], ['林', 9], ['罗', 8], ['郑', 8], ['梁', 8], ['谢', 7], ['宋', 9], ['唐', 7],
  ['许', 7], ['韩', 9], ['冯', 7], ['邓', 6], ['曹', 7], ['彭', 6], ['曾', 5], ['肖', 6], ['田', 7],
  ['董', 7], ['袁', 5], ['潘', 5], ['于', 8], ['蒋', 5], ['蔡', 5], ['余', 4], ['杜', 6], ['叶', 4],
  ['程', 5], ['苏', 5], ['魏', 6], ['吕', 5], ['丁', 5], ['任', 5], ['沈', 4], ['姚', 4], ['卢', 4],
  ['姜', 6], ['崔', 5], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3], ['范', 4], ['金', 3], ['石', 4],
  ['贾', 4], ['夏', 3], ['付', 4], ['方', 3], ['白', 4], ['邹', 3], ['孟', 5], ['秦', 3], ['尹', 3],
  ['薛', 4], ['闫', 4], ['段', 3], ['侯', 4], ['史', 3], ['郝', 3], ['邵', 3], ['武', 4], ['孔', 3],
  ['商', 2], ['毕', 2], ['邢', 3], ['牛', 3], ['耿', 2], ['岳', 2], ['常', 3], ['庞', 2], ['单', 2],
];
/** Given names that people born before about 1965 often carry. */
const OLD_MALE_NAMES = [
  '建国', '国强', '建华', '卫东', '志刚', '永明', '德明', '秀山', '玉成', '明德', '光荣', '树林',
  '长春', '振华', '庆祥', '学文', '洪亮', '凤山', '汉民', '福生',
];
const OLD_FEMALE_NAMES = [
  '秀英', '桂英', '玉兰', '秀兰', '桂兰', '凤英', '淑珍', '秀珍', '玉梅', '兰英', '素芬', '桂芝',
  '翠花', '玉珍', '淑兰', '秀云', '春梅', '玉华', '桂芳', '金凤',
];
/** faker's zh_CN given names: its generic list reads male, so women draw from the female list only. */
const MALE_NAMES = [...zh_CN.person!.first_name!.generic!, ...zh_CN.person!.first_name!.male!];
const FEMALE_NAMES = zh_CN.person!.first_name!.female!;
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '176', '177', '178', '180', '181', '182', '183', '185',
  '186', '187', '188', '189', '191', '198', '199',
];

export type Gender = 'MALE' | 'FEMALE';

export interface Person {
  gender: Gender;
  age: number;
  surname: string;
  householder: boolean;
}

export class PeopleFactory {
  private readonly surnameTotal = SURNAMES.reduce((s, [, w]) => s + w, 0);
  private readonly idCards = new Set<string>();

  constructor(private readonly rng: Random, private readonly faker: Faker) {}

  surname(): string {
    if (this.rng.chance(0.06)) {
      // The long tail; compound surnames (欧阳, 司马 …) are rare in life, so mostly skip them.
      const s = this.faker.person.lastName();
      if (s.length === 1 || this.rng.chance(0.1)) return s;
    }
    return this.rng.weighted(SURNAMES, this.surnameTotal);
  }

  givenName(gender: Gender, age: number): string {
    if (age >= 60 && this.rng.chance(0.6)) {
      return this.rng.pick(gender === 'MALE' ? OLD_MALE_NAMES : OLD_FEMALE_NAMES);
    }
    return this.faker.helpers.arrayElement(gender === 'MALE' ? MALE_NAMES : FEMALE_NAMES);
  }

  mobile(): string {
    let digits = this.rng.pick(MOBILE_PREFIXES);
    for (let i = 0; i < 8; i += 1) digits += String(this.rng.int(0, 9));
    return digits;
  }

  /** A GB 11643 number nobody else has: region, birth date, sequence (odd for men), check. */
  idCard(region: string, birthDate: string, gender: Gender): string {
    const ymd = birthDate.replaceAll('-', '');
    for (;;) {
      const last = this.rng.int(0, 4) * 2 + (gender === 'MALE' ? 1 : 0);
      const first17 = `${region}${ymd}${String(this.rng.int(0, 99)).padStart(2, '0')}${last}`;
      if (this.idCards.has(first17)) continue;
      this.idCards.add(first17);
      return first17 + idCardCheckChar(first17);
    }
  }

  /** The members of one household, the householder first. */
  household(): { members: Person[]; singleElderly: boolean } {
    const rng = this.rng;
    const person = (gender: Gender, age: number, surname: string, householder = false): Person =>
      ({ gender, age: Math.max(0, Math.min(age, 99)), surname, householder });
    const other = (g: Gender): Gender => (g === 'MALE' ? 'FEMALE' : 'MALE');

    if (rng.chance(0.03)) {
      const age = Math.min(rng.int(70, 88), rng.int(70, 98));
      return { members: [person(rng.chance(0.62) ? 'FEMALE' : 'MALE', age, this.surname(), true)], singleElderly: true };
    }
    const size = rng.weighted([[1, 20], [2, 32], [3, 27], [4, 13], [5, 8]] as const);
    if (size === 1) {
      return { members: [person(rng.chance(0.55) ? 'MALE' : 'FEMALE', rng.int(20, 69), this.surname(), true)], singleElderly: false };
    }

    const kind = size === 2 ? (rng.chance(0.75) ? 'couple' : 'single-parent') : 'family';
    const members: Person[] = [];
    const childBearingHead = kind !== 'couple';
    const headAge = kind === 'couple' ? rng.int(23, 86) : size === 2 ? rng.int(38, 78) : rng.int(26, 56);
    const headGender: Gender = rng.chance(kind === 'single-parent' ? 0.35 : 0.72) ? 'MALE' : 'FEMALE';
    const head = person(headGender, headAge, this.surname(), true);
    members.push(head);
    let fatherSurname = head.surname;
    if (kind !== 'single-parent') {
      const spouse = person(other(headGender), headAge + rng.int(-4, 4) + (headGender === 'MALE' ? -1 : 1), this.surname());
      if (spouse.gender === 'MALE') fatherSurname = spouse.surname;
      members.push(spouse);
    }
    if (!childBearingHead) return { members, singleElderly: false };

    let children = size - members.length;
    let grandparents = 0;
    if (size === 4 && rng.chance(0.4)) [children, grandparents] = [1, 1];
    if (size === 5) {
      const r = rng.next();
      if (r < 0.5) [children, grandparents] = [2, 1];
      else if (r < 0.8) [children, grandparents] = [1, 2];
      else [children, grandparents] = [3, 0];
    }
    let childAge = headAge - rng.int(22, 34);
    if (childAge < 0) childAge = rng.int(0, 3);
    for (let i = 0; i < children; i += 1) {
      members.push(person(rng.chance(0.51) ? 'MALE' : 'FEMALE', childAge, fatherSurname));
      childAge = Math.max(0, childAge - rng.int(1, 8));
    }
    if (grandparents > 0) {
      // The householder's parents (or in-laws) live with them.
      const gpAge = Math.min(headAge + rng.int(22, 32), 96);
      const gpSurname = rng.chance(0.7) ? head.surname : this.surname();
      const first = person(grandparents === 2 || rng.chance(0.4) ? 'MALE' : 'FEMALE', gpAge, gpSurname);
      members.push(first);
      if (grandparents === 2) members.push(person('FEMALE', gpAge + rng.int(-4, 2), this.surname()));
    }
    return { members, singleElderly: false };
  }
}
