import { checkIdCard, isMainlandMobile, maskPersonalNumbers, maskPhone } from '../grid/identity';
import { LedgerProblemCode as Code, type LedgerProblem, type LedgerSheet } from './ledger.read';
import { GENDERS, HOUSEHOLDER_RELATIONS, REGISTRATIONS, TAGS, templateHeader, type LedgerField } from './ledger.template';

/** Where a household's building is named: by community (name or code), or by grid code, and the building's name. */
export interface BuildingRef {
  community: string | null;
  gridCode: string | null;
  building: string;
}

/** A household as the ledger gives it, before its building is looked up. */
export interface HouseholdDraft {
  key: string;
  /** The file row that first names the household; problems about the household go there. */
  row: number;
  place: BuildingRef;
  room: string;
  floorArea: string;
}

export interface PersonDraft {
  row: number;
  householdKey: string;
  name: string;
  idCardNumber: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  phone: string | null;
  registration: 'REGISTERED' | 'FLOATING';
  tags: (typeof TAGS)[string][];
  householder: boolean;
}

export interface CheckedLedger {
  households: HouseholdDraft[];
  people: PersonDraft[];
  problems: LedgerProblem[];
}

const AREA = /^\d{1,7}(\.\d{1,2})?$/;

/** 1965-03-12, 1965/3/12, 1965.3.12, 19650312, 1965年3月12日 → 1965-03-12; null when it is none of these. */
export function parseLedgerDate(text: string): string | null {
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** 单元 2 and 房号 301 make the room "2单元301", as households record it; "301室" loses its 室. */
export function roomOf(unit: string | undefined, room: string): string {
  const door = room.replace(/室$/, '');
  if (!unit) return door;
  const unitText = /^\d+$/.test(unit) ? `${unit}单元` : unit;
  return door.startsWith(unitText) ? door : `${unitText}${door}`;
}

/**
 * Every rule a row can break on its own or against the other rows of the file; what needs
 * the database (buildings, registered ID numbers, scope) is checked by the import service.
 */
export function checkLedger(sheet: LedgerSheet, today = new Date()): CheckedLedger {
  const problems: LedgerProblem[] = [];
  const households = new Map<string, HouseholdDraft>();
  const householderRow = new Map<string, number>();
  const idCardRow = new Map<string, number>();
  const people: PersonDraft[] = [];
  const header = (field: LedgerField) => sheet.headers[field] ?? templateHeader(field);

  for (const line of sheet.rows) {
    const { row, cells } = line;
    const before = problems.length;
    // Messages quote cells; a number typed in the wrong column must not come back whole.
    const problem = (field: LedgerField, code: Code, message: string) => problems.push({ row, column: header(field), code, message: maskPersonalNumbers(message) });
    const required = (field: LedgerField, what: string): string | undefined => {
      const value = cells[field];
      if (value === undefined) problem(field, Code.REQUIRED, `${what} is required.`);
      return value;
    };

    const name = required('name', 'The name (姓名)');
    const building = required('building', 'The building (楼栋)');
    const door = required('room', 'The room (门牌号/房号)');
    if (cells.community === undefined && cells.gridCode === undefined) {
      problem(sheet.headers.community ? 'community' : 'gridCode', Code.REQUIRED, 'The community (社区) or the grid code (网格编号) is required to find the building.');
    }

    let facts: { gender: 'MALE' | 'FEMALE'; birthDate: string } | undefined;
    const idCard = required('idCard', 'The ID card number (公民身份号码)')?.toUpperCase();
    if (idCard !== undefined) {
      const check = checkIdCard(idCard, today);
      if (!check.ok) problem('idCard', Code.ID_CARD_INVALID, check.message);
      else facts = check.facts;
      const seen = idCardRow.get(idCard);
      if (seen !== undefined) problem('idCard', Code.DUPLICATE_IN_FILE, `The same person (ID card number) is already on row ${seen}.`);
      else idCardRow.set(idCard, row);
    }

    if (cells.birthDate !== undefined) {
      const birthDate = parseLedgerDate(cells.birthDate);
      if (birthDate === null) problem('birthDate', Code.INVALID, `"${cells.birthDate}" is not a date like 1965-03-12.`);
      else if (facts && birthDate !== facts.birthDate) {
        problem('birthDate', Code.BIRTH_DATE_MISMATCH, `The ID card number gives the birth date ${facts.birthDate}, not ${birthDate}.`);
      }
    }
    if (cells.gender !== undefined) {
      const gender = GENDERS[cells.gender];
      if (gender === undefined) problem('gender', Code.INVALID, `Gender is 男 or 女, not "${cells.gender}".`);
      else if (facts && gender !== facts.gender) {
        problem('gender', Code.GENDER_MISMATCH, `The ID card number belongs to a ${facts.gender === 'MALE' ? 'man (男)' : 'woman (女)'}.`);
      }
    }
    const phone = cells.phone?.replace(/[\s-]/g, '');
    if (phone !== undefined && !isMainlandMobile(phone)) {
      problem('phone', Code.PHONE_INVALID, `"${maskPhone(cells.phone!)}" is not a mobile number: 11 digits starting 13–19.`);
    }
    const registrationText = required('registration', 'The registration (户籍类型: 户籍 or 流动)');
    const registration = registrationText === undefined ? undefined : REGISTRATIONS[registrationText];
    if (registrationText !== undefined && registration === undefined) {
      problem('registration', Code.INVALID, `户籍类型 is 户籍 or 流动, not "${registrationText}".`);
    }
    const tagWords = (cells.tags ?? '').split(/[、,;，；/\s]+/).filter(Boolean);
    const unknownTags = tagWords.filter((word) => TAGS[word] === undefined);
    if (unknownTags.length) {
      problem('tags', Code.INVALID, `Unknown tag ${unknownTags.map((t) => `"${t}"`).join('、')}; tags are ${Object.keys(TAGS).join('、')}.`);
    }

    let area = cells.floorArea?.replace(/(㎡|m2|平方米|平米)$/i, '');
    if (area !== undefined && (!AREA.test(area) || !(Number(area) > 0))) {
      problem('floorArea', Code.INVALID, `The floor area is a positive number of m² with at most two decimals, not "${cells.floorArea}".`);
      area = undefined;
    }

    if (building === undefined || door === undefined) continue;
    const place: BuildingRef = { community: cells.community ?? null, gridCode: cells.gridCode ?? null, building };
    const room = roomOf(cells.unit, door);
    const key = JSON.stringify([place.gridCode ?? '', place.gridCode ? '' : place.community ?? '', building, room]);
    const household = households.get(key);
    if (!household) {
      if (cells.floorArea === undefined) problem('floorArea', Code.REQUIRED, 'The floor area (房屋面积) is required on the first row of a household.');
      households.set(key, { key, row, place, room, floorArea: area ?? '' });
    } else if (area !== undefined && household.floorArea !== '' && Number(area) !== Number(household.floorArea)) {
      problem('floorArea', Code.HOUSEHOLD_MISMATCH, `Row ${household.row} gives this household the floor area ${household.floorArea} m².`);
    }

    const householder = cells.relation !== undefined
      ? HOUSEHOLDER_RELATIONS.has(cells.relation)
      : name !== undefined && name === cells.householderName;
    if (householder) {
      const other = householderRow.get(key);
      if (other !== undefined) problem('relation', Code.HOUSEHOLDER_TWICE, `Row ${other} is already the householder (户主) of this household.`);
      else householderRow.set(key, row);
    }

    if (problems.length > before || !facts || !name || !registration) continue;
    people.push({
      row, householdKey: key, name, idCardNumber: idCard!, gender: facts.gender, birthDate: facts.birthDate, phone: phone ?? null,
      registration, tags: [...new Set(tagWords.map((word) => TAGS[word]))], householder,
    });
  }
  return { households: [...households.values()], people, problems };
}
