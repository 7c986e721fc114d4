import fs from 'node:fs';
import { getSchema } from '../src/schema';
import { SCHEMA_FILE, schemaText } from '../src/schema-file';

fs.writeFileSync(SCHEMA_FILE, schemaText(await getSchema()));
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
