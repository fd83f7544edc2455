import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The app is measured as deployed: a production build of this checkout (BENCH_SKIP_BUILD=1 reuses .next). */
export function ensureBuild(name: string): void {
  if (process.env.BENCH_SKIP_BUILD === "1" && fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) return;
  console.log(`${name}: building the app (next build) …`);
  execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: process.cwd(), stdio: "ignore" });
}
