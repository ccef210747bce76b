// bench/duckdb-run.cjs: runs a SQL script in DuckDB through its Node API
// (@duckdb/node-api from the npm registry, which ships the native library),
// as a data journalist would: one in-memory database, the statements of
// the file one after another. bench/peers.sh installs the package outside
// the tree, in $PEERS_DIR/duckdb; bench/analyze.sh writes the script.
//
// usage: node bench/duckdb-run.cjs PEER_DIR THREADS MEMORY TMPDIR SCRIPT.sql
//   THREADS and MEMORY become DuckDB's threads and memory_limit ("1GB");
//   TMPDIR its temp_directory, where it spills past the limit.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
	const [dir, threads, memory, tmp, script] = process.argv.slice(2);
	if (!script) {
		console.error('usage: node duckdb-run.cjs PEER_DIR THREADS MEMORY TMPDIR SCRIPT.sql');
		process.exit(2);
	}
	const { DuckDBInstance } = require(path.join(dir, 'node_modules', '@duckdb', 'node-api'));
	const db = await DuckDBInstance.create(':memory:', {
		threads: String(threads),
		memory_limit: memory,
		temp_directory: tmp,
	});
	const con = await db.connect();
	await con.run(fs.readFileSync(script, 'utf8'));
	con.closeSync();
}

main().catch((e) => {
	console.error('duckdb-run: ' + (e && e.message ? e.message : e));
	process.exit(1);
});
