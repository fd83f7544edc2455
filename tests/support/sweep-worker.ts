// A second app process for the exactly-once tests: opens the database named by DATABASE_URL,
// waits for the shared start instant (argv[2], epoch ms), then runs the trigger timer's pass
// a few times and prints what it did as one JSON line.
import { openDatabase } from "@/db/client";
import { sweepTriggers } from "@/lib/services/trigger-watch";

const startAt = Number(process.argv[2]);
const passes = Number(process.argv[3] ?? 3);
const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, maxConnections: 4 });
try {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const fired: string[] = [];
  const announced: string[] = [];
  for (let i = 0; i < passes; i++) {
    const result = await sweepTriggers(handle.db);
    fired.push(...result.fired.map((f) => f.description));
    announced.push(...result.announced.map((a) => `${a.state} ${a.description}`));
    if (result.failed.length) throw new Error(result.failed.map((f) => f.error).join("; "));
  }
  console.log(JSON.stringify({ pid: process.pid, fired, announced }));
} finally {
  await handle.close();
}
