// npm run seed:demo – loads the demo projects, people and plans into the configured database.
// Refuses a database that already holds data: the demo never mixes with real plans.
import { configFromEnv, openDatabase } from "../db/client";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "../db/seed/demo";
import { runCli } from "./cli";

runCli(async () => {
  const handle = await openDatabase(configFromEnv());
  try {
    await handle.migrate();
    const result = await seedDemo(handle.db);
    if (!result) {
      console.error(`phasegate: ${handle.target} already holds data; the demo loads only into an empty database`);
      return 1;
    }
    console.log(
      `phasegate: demo loaded into ${handle.target}: ${result.plans} plans, ${result.projects} projects, ${result.users} people`,
    );
    console.log(`phasegate: every demo person signs in with the password ${DEMO_PASSWORD}`);
    for (const u of DEMO_USERS) console.log(`  ${u.email}  ${u.description}`);
  } finally {
    await handle.close();
  }
});
