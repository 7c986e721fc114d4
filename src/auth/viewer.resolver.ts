import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toGlobalId } from '../graphql/ids';
import { Role } from './roles';

@ObjectType({ description: 'Who the API takes the caller to be, from the token.', simpleResolvers: true })
export class ViewerInfo {
  @Field(() => String, { nullable: true, description: 'The token\'s subject; null without a token.' })
  subject!: string | null;

  @Field(() => Role, { nullable: true, description: 'Null without a token: only public data is served.' })
  role!: Role | null;

  @Field(() => String, { nullable: true, description: 'Global ID of the unit whose subtree the caller may see; null for the whole city.' })
  unitId!: string | null;
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'The caller, as the API sees them: lets a front end show the right screens.' })
  viewer(@Ctx() ctx: Context): ViewerInfo {
    const { subject, role, unit } = ctx.viewer;
    return { subject, role, unitId: unit ? toGlobalId(unit.type, unit.key) : null };
  }
}
