"use server";

import { formActionOf, planPages } from "@/lib/actions/run";
import {
  correctDetectionTime,
  editIncidentSummary,
  markVerified,
  reopenIncident,
  resolveIncident,
  updatePostmortem,
} from "@/lib/services/incidents";

// Server actions of the plan page's incident panel: each calls one service of
// lib/services/incidents.ts, then shows the plan page and the portfolio again.

export const markVerifiedAction = formActionOf(markVerified, {
  message: "Rollback verified: the incident is mitigated.",
  revalidate: planPages,
  keep: ["verifiedAt"],
});

export const resolveIncidentAction = formActionOf(resolveIncident, {
  message: "Incident resolved.",
  revalidate: planPages,
});

export const reopenIncidentAction = formActionOf(reopenIncident, {
  message: "Incident reopened.",
  revalidate: planPages,
  keep: ["reason"],
});

// A refused save hands the text back so nothing typed is lost.
export const postmortemAction = formActionOf(updatePostmortem, {
  message: (data) => (data.changed ? "Post-mortem saved." : "No changes to save."),
  revalidate: planPages,
  keep: ["postmortem"],
});

export const summaryAction = formActionOf(editIncidentSummary, {
  message: "Summary saved.",
  revalidate: planPages,
  keep: ["summary"],
});

export const detectionAction = formActionOf(correctDetectionTime, {
  message: "Detection time saved.",
  revalidate: planPages,
  keep: ["detectedAt"],
});
