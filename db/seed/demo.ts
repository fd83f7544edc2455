import { count, sql } from "drizzle-orm";
import { hashPassword } from "../../lib/auth/password";
import type { Database } from "../client";
import * as s from "../schema";
import type { ProjectRole } from "../schema/enums";
import type { Actor } from "./builder";
import { seedCheckoutPilot } from "./checkout-plan";
import { seedDeliveryHistory } from "./history";
import { seedCheckoutScheduled, seedMobileRolledBack, seedSearchCompleted } from "./other-plans";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DemoUser {
  key: "amelia" | "rina" | "eko" | "adi" | "sam" | "vera";
  email: string;
  name: string;
  isAdmin?: boolean;
  roles: Partial<Record<"checkout" | "search" | "mobile", ProjectRole[]>>;
  description: string;
}

// Every role is held by someone; Sam holds two roles in one project.
export const DEMO_USERS: DemoUser[] = [
  {
    key: "amelia",
    email: "admin@phasegate.local",
    name: "Amelia Hartono",
    isAdmin: true,
    roles: {},
    description: "global admin",
  },
  {
    key: "rina",
    email: "rina@phasegate.local",
    name: "Rina Wijaya",
    roles: { checkout: ["release_manager"], search: ["release_manager"], mobile: ["release_manager"] },
    description: "release manager",
  },
  {
    key: "eko",
    email: "eko@phasegate.local",
    name: "Eko Prasetyo",
    roles: { checkout: ["engineer"], search: ["engineer"], mobile: ["engineer"] },
    description: "engineer",
  },
  {
    key: "adi",
    email: "adi@phasegate.local",
    name: "Adi Nugroho",
    roles: { checkout: ["approver"], search: ["approver"], mobile: ["approver"] },
    description: "approver",
  },
  {
    key: "sam",
    email: "sam@phasegate.local",
    name: "Sam Santoso",
    roles: { checkout: ["engineer", "approver"] },
    description: "engineer and approver (Checkout)",
  },
  {
    key: "vera",
    email: "vera@phasegate.local",
    name: "Vera Lim",
    roles: { checkout: ["viewer"], search: ["viewer"], mobile: ["viewer"] },
    description: "executive, read-only",
  },
];

const DEMO_PROJECTS = [
  {
    key: "checkout",
    slug: "checkout",
    name: "Checkout",
    description: "Web and app checkout, payments and saved cards",
  },
  { key: "search", slug: "search-api", name: "Search API", description: "Product search backend and indexing" },
  { key: "mobile", slug: "mobile-app", name: "Mobile App", description: "iOS and Android shopping app" },
] as const;

/** Every demo person signs in with this password (demo data only; never in a real installation). */
export const DEMO_PASSWORD = "rollout-demo-2026";

export interface DemoContext {
  tx: Tx;
  now: Date;
  users: Record<DemoUser["key"], Actor>;
  projects: Record<(typeof DEMO_PROJECTS)[number]["key"], string>;
}

export interface SeedResult {
  projects: number;
  users: number;
  plans: number;
}

/** True when the database holds no projects, users or plans: the only state the demo loads into. */
export async function isDatabaseEmpty(db: Database | Tx): Promise<boolean> {
  const [row] = await db
    .select({
      n: sql<number>`(${db.select({ c: count() }).from(s.projects)}) + (${db.select({ c: count() }).from(s.users)}) + (${db.select({ c: count() }).from(s.plans)})`,
    })
    .from(sql`(select 1) as one`);
  return Number(row?.n ?? 0) === 0;
}

const SEED_LOCK_KEY = 7_346_201_119;

/**
 * Loads the demo into an empty database in one transaction. Returns null (and writes nothing)
 * when the database already holds data. Safe with several app instances starting at once.
 */
export async function seedDemo(db: Database, now: Date = new Date()): Promise<SeedResult | null> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if (!(await isDatabaseEmpty(tx))) return null;

    const projects = {} as DemoContext["projects"];
    for (const p of DEMO_PROJECTS) {
      const [row] = await tx
        .insert(s.projects)
        .values({
          slug: p.slug,
          name: p.name,
          description: p.description,
          createdAt: new Date(now.getTime() - 60 * 86400_000),
        })
        .returning({ id: s.projects.id });
      projects[p.key] = row!.id;
    }
    const users = {} as DemoContext["users"];
    for (const u of DEMO_USERS) {
      const [row] = await tx
        .insert(s.users)
        .values({
          email: u.email,
          name: u.name,
          isAdmin: u.isAdmin ?? false,
          passwordHash,
          createdAt: new Date(now.getTime() - 60 * 86400_000),
        })
        .returning({ id: s.users.id });
      users[u.key] = { id: row!.id, name: u.name };
      for (const [project, roles] of Object.entries(u.roles) as [keyof DemoContext["projects"], ProjectRole[]][]) {
        for (const role of roles)
          await tx.insert(s.memberships).values({ projectId: projects[project], userId: row!.id, role });
      }
    }

    const ctx: DemoContext = { tx, now, users, projects };
    await seedCheckoutPilot(ctx);
    await seedSearchCompleted(ctx);
    await seedMobileRolledBack(ctx);
    await seedCheckoutScheduled(ctx);
    const history = await seedDeliveryHistory(ctx);
    return { projects: DEMO_PROJECTS.length, users: DEMO_USERS.length, plans: 4 + history };
  });
}
