import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The layers of src/ are enforced by `npm run lint` (eslint.config.js, eslint-plugin-import-x): a file planted where
// it would break a layer must fail with the project's own configuration. lintText with a filePath lints the text as
// if it stood at that path; nothing is written. Type-aware rules need the file in the TypeScript project, so they are
// switched off here (typescript-eslint's disableTypeChecked); the layer rules are the project's, unchanged.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

async function problems(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(root, file) });
  if (!result) throw new Error('ESLint gave no result');
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`ESLint could not lint the planted file: ${fatal.message}`);
  return result.messages.map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('the layers, enforced by the linter', () => {
  it('refuses an import from src/web into src/server/db', async () => {
    const found = await problems(
      'src/web/planted-layer-check.ts',
      "import { connectDatabase } from '../server/db/connect.js';\n\nexport const planted = connectDatabase;\n",
    );
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^import-x\/no-restricted-paths: .*only through the SDK/)]));
  }, 120_000);

  it('refuses an import from src/protocol into anything of ours', async () => {
    for (const target of ['../server/errors.js', '../sdk/encoding.js', '../mls/index.js']) {
      const found = await problems(
        'src/protocol/planted-layer-check.ts',
        `import * as planted from '${target}';\n\nexport const value = planted;\n`,
      );
      expect(found, target).toEqual(expect.arrayContaining([expect.stringMatching(/^import-x\/no-restricted-paths: .*src\/protocol imports nothing of ours/)]));
    }
  }, 120_000);

  it('refuses SQL and cryptographic primitives outside their homes, and the SDK\'s insides from the web', async () => {
    const sql = await problems('src/server/commands/planted-layer-check.ts', "import { sql } from 'kysely';\n\nexport const planted = sql;\n");
    expect(sql).toEqual(expect.arrayContaining([expect.stringMatching(/^no-restricted-imports: .*SQL lives in src\/server\/db/)]));
    const noble = await problems('src/sdk/e2ee/planted-layer-check.ts', "import { sha256 } from '@noble/hashes/sha2.js';\n\nexport const planted = sha256;\n");
    expect(noble).toEqual(expect.arrayContaining([expect.stringMatching(/^no-restricted-imports: .*Cryptographic primitives/)]));
    const inside = await problems('src/web/planted-layer-check.ts', "import { ParleyClient } from '../sdk/client.js';\n\nexport const planted = ParleyClient;\n");
    expect(inside).toEqual(expect.arrayContaining([expect.stringMatching(/^import-x\/no-restricted-paths: .*public entry points/)]));
    // The same imports where they belong pass.
    expect(await problems('src/server/db/planted-layer-check.ts', "import { sql } from 'kysely';\n\nexport const planted = sql;\n")).toEqual([]);
  }, 120_000);

  it('refuses a query built through a Db handle outside src/server/db (no kysely import needed for that)', async () => {
    const query = "import type { Db } from '../db/connect.js';\n\nexport const planted = (db: Db) => db.selectFrom('users').selectAll().execute();\n";
    const found = await problems('src/server/admin/planted-layer-check.ts', query);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^no-restricted-syntax: SQL lives in src\/server\/db/)]));
    const write = "import type { Db } from '../db/connect.js';\n\nexport const planted = (db: Db) => db.deleteFrom('sessions').execute();\n";
    expect(await problems('src/server/commands/planted-layer-check.ts', write)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^no-restricted-syntax: SQL lives in src\/server\/db/)]),
    );
    expect(await problems('src/server/db/repositories/planted-layer-check.ts', query.replace("'../db/connect.js'", "'../connect.js'"))).toEqual([]);
  }, 120_000);
});
