import { Args, ArgsType, Ctx, Field, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { byIdLoader } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { asLedgerImport, importScope, listLedgerImports } from './import.service';
import { ledgerImports } from './import.tables';
import { LedgerImportConnection, LedgerImportOutcome } from './import.types';

registerNodeType('LedgerImport', (ctx, key) => byIdLoader(ctx, 'LedgerImport', ledgerImports, asLedgerImport, importScope(ctx.viewer)).load(key));

@ArgsType()
class LedgerImportsArgs extends PageArgs {
  @Field(() => [LedgerImportOutcome], { nullable: true, description: 'Only imports that ended so; all when omitted.' })
  outcomes?: LedgerImportOutcome[] | null;
}

@Resolver()
export class LedgerImportQueryResolver {
  @Query(() => LedgerImportConnection, {
    description: 'Household-and-resident ledger imports (台账导入) of the viewer\'s unit and the units below it, newest first. Files are uploaded by POST /import/households.',
  })
  ledgerImports(@Args(() => LedgerImportsArgs) args: LedgerImportsArgs, @Ctx() ctx: Context) {
    return listLedgerImports(ctx, args, args.outcomes);
  }
}

export const importResolvers = [LedgerImportQueryResolver] as const;
