import { Field, ObjectType } from 'type-graphql';
import { Role } from './roles';

@ObjectType({ description: 'Who did something: the token subject and role.', simpleResolvers: true })
export class Actor {
  @Field(() => String, { description: 'The `sub` of the actor\'s token.' })
  subject!: string;

  @Field(() => Role, { description: 'The role the actor acted in.' })
  role!: Role;
}
