import { buildSchema } from 'graphql';
import fs from 'node:fs';
import path from 'node:path';
import { SCHEMA_FILE } from '../src/schema-file';
import { buildManifest } from '../src/server/persisted-queries';

// npm run persisted-queries -- <folder of .graphql operations> <manifest.json>
const [folder, out] = process.argv.slice(2);
if (!folder || !out) {
  process.stderr.write('usage: npm run persisted-queries -- <folder of .graphql files> <manifest.json>\n');
  process.exit(2);
}

function graphqlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return graphqlFiles(full);
    return entry.name.endsWith('.graphql') ? [full] : [];
  }).sort();
}

// Validated against the published SDL (schema/schema.graphql, kept current by a test): the allow-list is for that schema.
const schema = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
const documents = graphqlFiles(folder).map((file) => ({ file: path.relative(process.cwd(), file), text: fs.readFileSync(file, 'utf8') }));
let manifest;
try {
  manifest = buildManifest(documents, schema);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
fs.writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`wrote ${manifest.operations.length} operations from ${documents.length} files to ${out}\n`);
