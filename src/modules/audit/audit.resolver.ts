import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { AuditEntriesArgs, PersonalDataReadsArgs } from './audit.inputs';
import { listAuditEntries, listPersonalDataReads } from './audit.service';
import { AuditEntryConnection, PersonalDataReadConnection } from './audit.types';

@Resolver()
export class AuditQueryResolver {
  @Query(() => AuditEntryConnection, { description: 'The audit log (审计日志): every mutation, who, what, when, the digest of its input and its outcome; newest first. For city-wide auditors.' })
  auditEntries(@Args(() => AuditEntriesArgs) args: AuditEntriesArgs, @Ctx() ctx: Context) {
    return listAuditEntries(ctx, args);
  }

  @Query(() => PersonalDataReadConnection, { description: 'Every reveal of a whole ID number or phone (个人信息查阅记录), newest first. A district auditor sees the reads of people in the district.' })
  personalDataReads(@Args(() => PersonalDataReadsArgs) args: PersonalDataReadsArgs, @Ctx() ctx: Context) {
    return listPersonalDataReads(ctx, args);
  }
}

export const auditResolvers = [AuditQueryResolver] as const;
