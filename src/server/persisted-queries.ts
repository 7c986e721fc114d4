import { Kind, parse, print, validate, visit, type DefinitionNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Apollo's persisted-query manifest, the format its client tooling reads and writes. */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: { id: string; name: string; type: 'query' | 'mutation' | 'subscription'; body: string }[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The published operations: nothing else runs when the server is in allow-list mode. */
export class AllowList {
  private readonly bodies = new Map<string, string>();

  constructor(manifest: PersistedQueryManifest) {
    if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
      throw new Error('The persisted-query manifest is not an apollo-persisted-query-manifest of version 1.');
    }
    for (const operation of manifest.operations) {
      if (sha256(operation.body) !== operation.id) {
        throw new Error(`Persisted operation ${operation.name}: its id is not the sha256 of its body.`);
      }
      this.bodies.set(operation.id, operation.body);
    }
  }

  static fromFile(file: string): AllowList {
    return new AllowList(JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedQueryManifest);
  }

  /** The text of a listed operation. */
  bodyOf(hash: string): string | undefined {
    return this.bodies.get(hash);
  }

  /** Whether this exact text is published. */
  lists(source: string): boolean {
    return this.bodies.has(sha256(source));
  }
}

function fragmentsUsed(start: DefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [start];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (!fragment) throw new Error(`Fragment ${node.name.value} is defined in none of the files.`);
        if (!used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/**
 * A manifest of the named operations in these documents (the contents of `.graphql` files):
 * each body is the operation with the fragments it uses, printed the way graphql prints
 * them, so a client sending the body byte for byte, or its sha256, matches. Every operation
 * is validated against the schema, so an allow-list never publishes one that cannot run.
 */
export function buildManifest(documents: { file: string; text: string }[], schema: GraphQLSchema): PersistedQueryManifest {
  const parsed = documents.map(({ file, text }) => {
    try {
      return { file, document: parse(text) };
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  });
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: { file: string; node: OperationDefinitionNode }[] = [];
  for (const { file, document } of parsed) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(definition.name.value)) throw new Error(`${file}: fragment ${definition.name.value} is defined twice.`);
        fragments.set(definition.name.value, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        if (!definition.name) throw new Error(`${file}: every published operation needs a name.`);
        operations.push({ file, node: definition });
      }
    }
  }
  const names = new Set<string>();
  const manifest: PersistedQueryManifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [] };
  for (const { file, node } of operations) {
    const name = node.name!.value;
    if (names.has(name)) throw new Error(`${file}: operation ${name} is defined twice.`);
    names.add(name);
    const document = { kind: Kind.DOCUMENT, definitions: [node, ...fragmentsUsed(node, fragments)] } as const;
    const problems = validate(schema, document);
    if (problems.length > 0) throw new Error(`${file}: operation ${name}: ${problems.map((p) => p.message).join(' ')}`);
    const body = print(document);
    manifest.operations.push({ id: sha256(body), name, type: node.operation, body });
  }
  return manifest;
}
