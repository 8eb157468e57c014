// Waits (up to 30 s) for the PostgreSQL server in the given URL, then creates its database if missing.
// Used by .ci/run; starts the local cluster when it is down and the machine has pg_ctlcluster.
import { execSync } from 'node:child_process';
import postgres from 'postgres';

const url = new URL(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/deepcards_test');
const name = url.pathname.slice(1);
const admin = new URL(url);
admin.pathname = '/postgres';

async function ping() {
  const sql = postgres(admin.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return sql;
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
}

let sql;
for (let attempt = 1; !sql; attempt++) {
  try {
    sql = await ping();
  } catch (error) {
    if (attempt === 1) {
      try {
        execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main start', { stdio: 'inherit' });
      } catch {
        // Not a Debian cluster, or already starting: keep waiting.
      }
    }
    if (attempt >= 30) {
      console.error(`PostgreSQL at ${admin.host} is not reachable: ${error.message}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
if (!exists) await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
console.log(`${exists ? 'found' : 'created'} database ${name} on ${admin.host}`);
await sql.end();
