import { listMetricSources } from "@/lib/queries/metric-sources";
import { listApiTokens } from "@/lib/queries/tokens";
import { listWebhooks } from "@/lib/queries/webhooks";
import { action, type ServiceAction, sourceRow, webhookState } from "./matrix-services";
import { metricSource, webhook } from "./matrix-world";

// Every read of lib/queries that decides for itself who may see it (it takes the caller, of any
// kind, and refuses the ones the product does not show it to), as one call each, like the
// use-cases in matrix-services.ts. The expectations are the hand-written reads table in
// role-matrix.test.ts. Reads write nothing: a refusal and an answer alike leave `observe` as it was.

export const QUERY_ACTIONS: ServiceAction[] = [
  action({
    id: "listMetricSources",
    read: true,
    prepare: (w) => metricSource(w),
    call: (ctx, _f, w) => listMetricSources(ctx.db, ctx.actor, w.projectId),
    observe: sourceRow,
  }),
  action({
    id: "listWebhooks",
    read: true,
    prepare: (w) => webhook(w),
    call: (ctx, _f, w) => listWebhooks(ctx.db, ctx.actor, w.projectId),
    observe: webhookState,
  }),
  action({
    id: "listApiTokens",
    read: true,
    prepare: async () => null,
    call: (ctx, _f, w) => listApiTokens(ctx.db, ctx.actor, w.projectId),
    observe: async () => null,
  }),
];
