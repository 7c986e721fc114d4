import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { DateTime } from '../../graphql/scalars';
import { importOutcome } from './import.tables';
import { LedgerProblemCode } from './ledger.read';
import { FreeText } from '../../graphql/free-text';

export const LedgerImportOutcome = mirror(importOutcome.enumValues);
export type LedgerImportOutcome = keyof typeof LedgerImportOutcome;
registerEnumType(LedgerImportOutcome, {
  name: 'LedgerImportOutcome',
  description: 'How a ledger import (台账导入) ended.',
  valuesConfig: {
    DRY_RUN: { description: 'A dry run: the file was checked and nothing was written but this record.' },
    IMPORTED: { description: 'Every household and resident of the file was written, in one transaction.' },
    REFUSED: { description: 'The file had errors, so nothing was written but this record (all or nothing).' },
  },
});

registerEnumType(LedgerProblemCode, {
  name: 'LedgerProblemCode',
  description: 'What is wrong with a ledger row, or what the reader did about it. BLANK_LINE, MERGED_CELL, FULL_WIDTH and CARRIED_DOWN are notices; every other code is an error that stops a real import.',
  valuesConfig: {
    BLANK_LINE: { description: 'Notice: a blank line between rows was skipped.' },
    MERGED_CELL: { description: 'Notice: a merged cell\'s value (a household column merged down its rows) was carried down to this row.' },
    CARRIED_DOWN: { description: 'Notice: a row with every household column blank, or a 同上 (ditto) cell, took the value of the row above.' },
    FULL_WIDTH: { description: 'Notice: full-width digits or letters (０-９, Ｘ) were read as half-width.' },
    UNREADABLE: { description: 'The file is not a readable XLSX or CSV file.' },
    NO_HEADER: { description: 'No row of the file carries the template\'s headers.' },
    MISSING_COLUMN: { description: 'A required column of the template is missing; reported once, on the header row.' },
    EMPTY: { description: 'The file has a header and no data rows.' },
    REQUIRED: { description: 'A required cell is empty.' },
    INVALID: { description: 'A cell does not hold a value of its column (date, gender, registration, tag, floor area).' },
    ID_CARD_INVALID: { description: 'The ID card number is malformed, has an impossible birth date or a wrong check digit (GB 11643).' },
    BIRTH_DATE_MISMATCH: { description: 'The birth date column differs from the birth date in the ID card number.' },
    GENDER_MISMATCH: { description: 'The gender column differs from the gender the ID card number encodes.' },
    PHONE_INVALID: { description: 'The phone is not a mainland mobile number.' },
    DUPLICATE_IN_FILE: { description: 'The same ID card number is on an earlier row of the file.' },
    DUPLICATE_IN_DATABASE: { description: 'A resident with this ID card number is already registered.' },
    HOUSEHOLD_MISMATCH: { description: 'Rows of one household give it different household data (floor area).' },
    HOUSEHOLDER_TWICE: { description: 'A household would have two householders (户主).' },
    UNKNOWN_COMMUNITY: { description: 'No community has this name or code.' },
    UNKNOWN_GRID: { description: 'No grid has this code.' },
    UNKNOWN_BUILDING: { description: 'No building of this name is recorded in the community or grid.' },
    AMBIGUOUS_BUILDING: { description: 'Several buildings of the community share this name; the grid code says which.' },
    OUT_OF_SCOPE: { description: 'The building lies outside the street or community the importer may change.' },
  },
});

@ObjectType({ description: 'One finding of a ledger import, by row and column as in the file.', simpleResolvers: true })
export class LedgerImportProblem {
  @Field(() => Int, { description: 'Row number as the spreadsheet shows it; 0 for the file as a whole.' })
  row!: number;

  @Field(() => String, { nullable: true, description: 'Column header as the file spells it; null for a whole row or the whole file.' })
  column!: string | null;

  @Field(() => LedgerProblemCode, { description: 'What kind of finding it is.' })
  code!: LedgerProblemCode;

  @FreeText()
  @Field(() => String, { description: 'The finding in words, with the value concerned.' })
  message!: string;
}

@ObjectType({ implements: Node, description: 'A household-and-resident ledger import (台账导入), dry run or real, with its report.' })
export class LedgerImport extends Node {
  @FreeText()
  @Field(() => String, { description: 'Name of the imported file.' })
  fileName!: string;

  @Field(() => String, { description: 'SHA-256 of the file (hex), so that the same ledger imported twice is recognised.' })
  sha256!: string;

  @Field(() => LedgerImportOutcome, { description: 'How the import ended.' })
  outcome!: LedgerImportOutcome;

  @Field(() => Int, { description: 'Data rows read from the file (blank lines not counted).' })
  rows!: number;

  @Field(() => Int, { description: 'Households created; 0 unless IMPORTED (residents may also join households already recorded).' })
  householdsCreated!: number;

  @Field(() => Int, { description: 'Residents created; 0 unless IMPORTED.' })
  residentsCreated!: number;

  @Field(() => [LedgerImportProblem], { description: 'Every error and notice, by row then column; empty for a clean file.' })
  problems!: LedgerImportProblem[];

  @Field(() => String, { description: 'Role of the importer\'s token.' })
  importerRole!: string;

  @Field(() => String, { nullable: true, description: 'Global ID of the district, street or community the importer was limited to; null for the whole city.' })
  unitId!: string | null;

  @Field(() => DateTime, { description: 'When the import started.' })
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the import finished.' })
  finishedAt!: Date | null;
}

export const LedgerImportConnection = Connection(LedgerImport, 'LedgerImport', 'Ledger imports, newest first.');
