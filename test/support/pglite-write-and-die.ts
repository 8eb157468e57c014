// Child process for test/db/pglite-prepared.test.ts: inserts rows through the prepared-statement
// wrapper on a PGlite directory, reports, and kills itself without closing anything.
import { PGlite } from '@electric-sql/pglite';
import { withPreparedStatements } from '../../src/db/pglite-prepared.js';

const [dir, count] = process.argv.slice(2);
if (!dir || !count) throw new Error('usage: pglite-write-and-die.ts <dir> <count>');
const pglite = withPreparedStatements(new PGlite(dir));
await pglite.exec('create table items (id int primary key, name text not null)');
for (let i = 0; i < Number(count); i++) await pglite.query('insert into items (id, name) values ($1, $2)', [i, `item ${i}`]);
process.stdout.write(`inserted ${count}\n`);
process.kill(process.pid, 'SIGKILL');
