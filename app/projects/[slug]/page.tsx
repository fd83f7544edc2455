import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { removeMemberAction, revokeTokenAction } from "@/app/projects/actions";
import { MemberForm } from "@/components/admin/member-form";
import { MetricSources } from "@/components/admin/metric-sources";
import { FlagsSection } from "@/components/flags/flags-section";
import { TokenForm } from "@/components/admin/token-form";
import { WebhooksSection } from "@/components/webhooks/webhooks-section";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { RelativeTime } from "@/components/ui/relative-time";
import { userCan } from "@/lib/auth/actor";
import { roleLabels } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { plansForBinding, projectFlags, projectSegments } from "@/lib/queries/flags";
import { listMetricSources } from "@/lib/queries/metric-sources";
import { projectBySlug, projectMembers } from "@/lib/queries/projects";
import type { Database } from "@/db/client";
import { readWithDatabase } from "@/lib/queries/read";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { TableHead } from "@/components/ui/table";
import { listApiTokens } from "@/lib/queries/tokens";
import { listWebhooks } from "@/lib/queries/webhooks";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { FreezesSection } from "@/components/freezes/freezes-section";
import { GovernanceForm } from "@/components/freezes/governance-form";
import { listFreezes } from "@/lib/queries/freezes";

export const dynamic = "force-dynamic";
export const metadata = { title: "Project settings" };

type Props = { params: Promise<{ slug: string }> };

export default async function ProjectPage({ params }: Props) {
  const { slug } = await params;
  const now = new Date();
  const result = await readWithDatabase((db) => loadProjectSettings(db, slug));
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  if (!result.data) notFound();
  if (!result.data.allowed) forbidden();
  const { user, project, members, tokens, sources, flagData, hooks, freezes } = result.data;

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ href: "/projects", label: "Projects" }]} current={project.name} />
      <h1 className="text-2xl font-semibold tracking-tight">{project.name}</h1>
      <Link
        href={`/digest?project=${encodeURIComponent(project.slug)}`}
        className="text-sm text-accent-700 hover:underline dark:text-accent-300"
      >
        Weekly digest
      </Link>

      <MembersCard projectId={project.id} members={members} canManage={userCan(user, "member:manage", project.id)} />

      <Card title="Approvals" id="approvals">
        <GovernanceForm
          projectId={project.id}
          fourEyes={project.fourEyes}
          minDistinctApprovers={project.minDistinctApprovers}
          canEdit={userCan(user, "project:settings", project.id)}
        />
      </Card>

      <Card title="Change freezes" id="freezes">
        <FreezesSection projectId={project.id} freezes={freezes} canEdit={userCan(user, "freeze:edit", project.id)} />
      </Card>

      <Card title="Metric sources" id="metric-sources">
        <MetricSources
          projectId={project.id}
          sources={sources}
          canEdit={userCan(user, "metric:edit", project.id)}
          now={now}
        />
      </Card>

      {flagData ? (
        <Card title="Feature flags" id="flags">
          <FlagsSection
            projectId={project.id}
            flags={flagData.flags}
            segments={flagData.segments}
            plans={flagData.plans}
            canEdit={userCan(user, "flag:edit", project.id)}
            now={now}
          />
        </Card>
      ) : null}

      {hooks ? (
        <Card title="Webhooks" id="webhooks">
          <WebhooksSection projectId={project.id} webhooks={hooks.webhooks} deliveries={hooks.deliveries} now={now} />
        </Card>
      ) : null}

      {tokens ? <TokensCard projectId={project.id} tokens={tokens} now={now} /> : null}
    </div>
  );
}

/** What the settings page shows the signed-in person: each section only to those who may see it. */
async function loadProjectSettings(db: Database, slug: string) {
  const user = await requireUser();
  const project = await projectBySlug(db, slug);
  if (!project) return null;
  if (!userCan(user, "project:read", project.id)) return { user, project, allowed: false as const };
  const members = await projectMembers(db, project.id);
  const tokens = userCan(user, "token:manage", project.id) ? await listApiTokens(db, user, project.id) : null;
  const sources = await listMetricSources(db, user, project.id);
  const hooks = userCan(user, "token:manage", project.id) ? await listWebhooks(db, user, project.id) : null;
  const flagData = userCan(user, "flag:read", project.id)
    ? {
        flags: await projectFlags(db, project.id),
        segments: await projectSegments(db, project.id),
        plans: await plansForBinding(db, project.id),
      }
    : null;
  const freezes = await listFreezes(db, project.id);
  return { user, project, allowed: true as const, members, tokens, sources, flagData, hooks, freezes };
}

type Settings = Extract<NonNullable<Awaited<ReturnType<typeof loadProjectSettings>>>, { allowed: true }>;

function MembersCard({
  projectId,
  members,
  canManage,
}: {
  projectId: string;
  members: Settings["members"];
  canManage: boolean;
}) {
  return (
    <Card title="Members and roles" id="members">
      <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
        {members.map((m) => (
          <li key={m.userId} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:justify-between">
            <div>
              <span className="font-medium">{m.name}</span>{" "}
              <span className="text-slate-600 dark:text-slate-400">{m.email}</span>
              {m.disabled ? <span className="ml-2 text-xs text-red-700 dark:text-red-300">disabled</span> : null}
            </div>
            <div className="flex flex-wrap gap-2">
              {m.roles.map((role) =>
                canManage ? (
                  <form key={role} action={removeMemberAction} className="inline-flex">
                    <input type="hidden" name="projectId" value={projectId} />
                    <input type="hidden" name="userId" value={m.userId} />
                    <input type="hidden" name="role" value={role} />
                    <button
                      type="submit"
                      className="rounded-full border border-slate-300 px-2 py-0.5 text-xs hover:border-red-400 hover:text-red-700 dark:border-slate-700"
                      aria-label={`Remove ${roleLabels[role]} role from ${m.name}`}
                    >
                      {roleLabels[role]} ✕
                    </button>
                  </form>
                ) : (
                  <Badge key={role} tone="grey">
                    {roleLabels[role]}
                  </Badge>
                ),
              )}
            </div>
          </li>
        ))}
      </ul>
      {canManage ? (
        <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
          <MemberForm projectId={projectId} />
        </div>
      ) : null}
    </Card>
  );
}

function TokensCard({ projectId, tokens, now }: { projectId: string; tokens: Token[]; now: Date }) {
  return (
    <Card title="API tokens" id="tokens">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Pipelines and applications use tokens to tick checklist items, push KPIs, record decisions, import plans and
        evaluate feature flags, in this project only. Tokens are stored hashed; revoking one stops it at once.
      </p>
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No tokens yet.</p>
      ) : (
        <ScrollRegion label="API tokens" className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <TableHead
              cell="py-2 pr-3 font-medium"
              columns={[
                "Name",
                "Scopes",
                { label: "Made by", className: "hidden py-2 pr-3 font-medium sm:table-cell" },
                "Last used",
                "Status",
                { label: <span className="sr-only">Actions</span>, className: "py-2 font-medium" },
              ]}
            />
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {tokens.map((t) => (
                <TokenRow key={t.id} token={t} now={now} />
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
        <h3 className="mb-2 text-sm font-semibold">New token</h3>
        <TokenForm projectId={projectId} />
      </div>
    </Card>
  );
}

type Token = NonNullable<Settings["tokens"]>[number];

/** A token: who made it (and whether that still lets it work), when it was last used, and whether it works. */
function TokenRow({ token: t, now }: { token: Token; now: Date }) {
  const expired = t.expiresAt !== null && t.expiresAt <= now;
  const orphaned = t.creatorStatus === "disabled" || t.creatorStatus === "no_longer_manages";
  return (
    <tr data-testid="token-row">
      <td className="py-2 pr-3">
        <div className="font-medium">{t.name}</div>
        <code className="text-xs text-slate-600 dark:text-slate-400">{t.prefix}…</code>
        <div className="text-xs text-slate-600 sm:hidden dark:text-slate-400">
          by {t.createdBy ?? "command line"}
          {t.creatorStatus === "disabled" ? <span className="text-red-800 dark:text-red-300"> (disabled)</span> : null}
          {t.creatorStatus === "no_longer_manages" ? (
            <span className="text-red-800 dark:text-red-300"> (no longer a release manager)</span>
          ) : null}
        </div>
      </td>
      <td className="py-2 pr-3 text-xs">{t.scopes.join(", ")}</td>
      <td className="hidden py-2 pr-3 text-xs sm:table-cell" data-testid="token-creator">
        {t.createdBy ?? <span className="text-slate-600 dark:text-slate-400">command line</span>}
        {t.creatorStatus === "disabled" ? <div className="text-red-800 dark:text-red-300">disabled</div> : null}
        {t.creatorStatus === "no_longer_manages" ? (
          <div className="text-red-800 dark:text-red-300">no longer a release manager here</div>
        ) : null}
      </td>
      <td className="py-2 pr-3 text-xs">{t.lastUsedAt ? <RelativeTime date={t.lastUsedAt} now={now} /> : "never"}</td>
      <td className="py-2 pr-3">
        {t.revokedAt ? (
          <Badge tone="red">Revoked</Badge>
        ) : expired ? (
          <Badge tone="amber">Expired</Badge>
        ) : orphaned ? (
          <Badge tone="red">Stopped</Badge>
        ) : (
          <Badge tone="green">Active</Badge>
        )}
        {orphaned && !t.revokedAt && !expired ? (
          <div className="mt-1 text-xs text-slate-600 dark:text-slate-400">refused: its maker lost access</div>
        ) : null}
        {!t.revokedAt && !expired && !orphaned ? (
          <div className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            {t.expiresAt ? (
              <>
                expires <RelativeTime date={t.expiresAt} now={now} />
              </>
            ) : (
              "never expires"
            )}
          </div>
        ) : null}
      </td>
      <td className="py-2 text-right">
        {t.revokedAt ? null : (
          <form action={revokeTokenAction}>
            <input type="hidden" name="tokenId" value={t.id} />
            <button
              type="submit"
              className="text-sm text-red-700 underline dark:text-red-300"
              aria-label={`Revoke token ${t.name}`}
            >
              Revoke
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
