import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime, Decimal } from '../../graphql/scalars';
import type { ChainBreakReason } from './disclosure.chain';
import { ExpenseLine, IncomeLine } from './ledger.types';
import { FreeText } from '../../graphql/free-text';

export const DisclosureChainBreakReason: { [K in ChainBreakReason]: K } = {
  CONTENT_HASH_MISMATCH: 'CONTENT_HASH_MISMATCH',
  PREVIOUS_HASH_MISMATCH: 'PREVIOUS_HASH_MISMATCH',
  RECORD_MISMATCH: 'RECORD_MISMATCH',
  VERSION_OUT_OF_SEQUENCE: 'VERSION_OUT_OF_SEQUENCE',
  HELD_HASH_MISSING: 'HELD_HASH_MISSING',
};
registerEnumType(DisclosureChainBreakReason, {
  name: 'DisclosureChainBreakReason',
  description: 'How a compound\'s disclosure hash chain (公示哈希链) is broken.',
  valuesConfig: {
    CONTENT_HASH_MISMATCH: { description: 'The stored content no longer hashes (SHA-256 of its canonical JSON) to the contentHash recorded at publication: this version was altered.' },
    PREVIOUS_HASH_MISMATCH: { description: 'previousHash is not the contentHash of the version published just before: that version was altered or removed.' },
    RECORD_MISMATCH: { description: 'The row\'s compound, month, version, correction reason or previousHash disagree with what its hashed content says.' },
    VERSION_OUT_OF_SEQUENCE: { description: 'The versions of a month do not run 1, 2, 3… in publication order.' },
    HELD_HASH_MISSING: { description: 'The hash the caller kept from an earlier notice is in no version: the chain was cut or rewritten.' },
  },
});

export enum DisclosureEventKind {
  PUBLISHED = 'PUBLISHED',
  CORRECTED = 'CORRECTED',
}
registerEnumType(DisclosureEventKind, {
  name: 'DisclosureEventKind',
  description: 'What happened to a month\'s disclosure.',
  valuesConfig: {
    PUBLISHED: { description: 'The month was published (公示) for the first time: version 1.' },
    CORRECTED: { description: 'A correction (更正) was published as a new version, with its reason; earlier versions stay readable.' },
  },
});

@ObjectType({
  implements: Node,
  description: 'A published monthly disclosure (月度公示) of a compound\'s sunshine ledger: a frozen, public record. Never changed in place: a correction is a new version saying why. Each version carries the SHA-256 of its canonical content and the hash of the compound\'s version before it (a hash chain); `disclosureChainVerify` checks them.',
  simpleResolvers: true,
})
export class Disclosure extends Node {
  @Field(() => String, { description: 'The month disclosed, `YYYY-MM`.' })
  month!: string;

  @Field(() => Int, { description: 'Version of the month\'s disclosure: 1 when published, one more with each correction.' })
  version!: number;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'Why this version corrects the one before (更正原因); null for version 1.' })
  correctionReason!: string | null;

  @Field(() => DateTime, { description: 'When this version was published.' })
  publishedAt!: Date;

  @Field(() => Decimal, { description: 'Balance brought forward (期初结余), as published.' })
  openingBalance!: string;

  @Field(() => Decimal, { description: 'Total income (收入合计), as published.' })
  income!: string;

  @Field(() => Decimal, { description: 'Property-fee income (物业费收入): the base of a percentage remuneration, as published.' })
  feeIncome!: string;

  @Field(() => Decimal, { description: 'The company\'s remuneration (酬金), as published.' })
  remuneration!: string;

  @Field(() => Decimal, { description: 'Total expenses (支出合计), as published.' })
  expenses!: string;

  @Field(() => Decimal, { description: 'Balance carried forward (期末结余), as published.' })
  closingBalance!: string;

  @Field(() => [IncomeLine], { description: 'Income lines, as published.' })
  incomeLines!: IncomeLine[];

  @Field(() => [ExpenseLine], { description: 'Expense lines, as published.' })
  expenseLines!: ExpenseLine[];

  @Field(() => String, { description: 'SHA-256 (hex) of `canonicalContent`, recorded at publication.' })
  contentHash!: string;

  @Field(() => String, { nullable: true, description: 'contentHash of the compound\'s version published just before this one (any month); null for the compound\'s first.' })
  previousHash!: string | null;

  @Field(() => String, {
    description: 'The published record as canonical JSON (keys sorted, no spaces, money as integer fen and as yuan strings, lines in order, the contract\'s remuneration rule, the plan items referenced, previousHash). Anyone can hash it with SHA-256 and compare with contentHash. Numbers that look like ID card or mobile numbers in its texts come masked, like all free text; a record that holds one then hashes differently, and `contentHashValid` says whether the whole stored record still matches.',
  })
  canonicalContent!: string;

  @Field(() => Boolean, { description: 'The stored content still hashes to contentHash (this version alone; `disclosureChainVerify` checks the links too).' })
  contentHashValid!: boolean;

  compoundId!: number;
  monthStart!: string;
  publishedBy!: string;
  content!: Record<string, unknown>;
}

@ObjectType({ description: 'The first broken link of a disclosure hash chain.', simpleResolvers: true })
export class DisclosureChainBreak {
  @Field(() => Disclosure, { nullable: true, description: 'The version where the chain breaks; null only when a held hash is missing from a chain with no versions.' })
  disclosure!: Disclosure | null;

  @Field(() => DisclosureChainBreakReason, { description: 'How it breaks.' })
  reason!: ChainBreakReason;

  @Field(() => String, { description: 'What was found, with the hashes involved.' })
  detail!: string;
}

@ObjectType({ description: 'The result of recomputing a compound\'s disclosure hash chain (公示哈希链校验).', simpleResolvers: true })
export class DisclosureChainVerification {
  @Field(() => Boolean, { description: 'Every version hashes to its contentHash and links to the one before.' })
  valid!: boolean;

  @Field(() => Int, { description: 'Versions checked, in publication order, up to and including the first broken one.' })
  versionsChecked!: number;

  @Field(() => String, { nullable: true, description: 'contentHash of the newest version (the head of the chain); keep it to check later that nothing was cut from the end.' })
  headHash!: string | null;

  @Field(() => DisclosureChainBreak, { nullable: true, description: 'The first broken link; null when valid.' })
  firstBrokenLink!: DisclosureChainBreak | null;
}

@ObjectType({ description: 'A disclosure published or corrected, pushed to the compound\'s residents, committee, company, community and street staff and integrators.', simpleResolvers: true })
export class DisclosureEvent {
  @Field(() => String, { description: 'Pass as `after` to resume from here without loss.' })
  cursor!: string;

  @Field(() => DateTime, { description: 'When the publication was committed.' })
  occurredAt!: Date;

  @Field(() => DisclosureEventKind, { description: 'First publication or correction.' })
  kind!: DisclosureEventKind;

  @Field(() => Disclosure, { description: 'The version published, with its figures and hashes.' })
  disclosure!: Disclosure;

  compoundId!: number;
  actorSubject!: string;
  actorRole!: string;
}

export const DisclosureConnection = Connection(Disclosure, 'Disclosure', 'A page of disclosure versions, in publication order.');
export const DisclosurePayload = Payload(Disclosure, 'disclosure', 'Disclosure');
