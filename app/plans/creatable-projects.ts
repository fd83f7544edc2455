import "server-only";
import { forbidden } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { creatableProjects } from "@/lib/queries/projects";
import { readWithDatabase } from "@/lib/queries/read";

/**
 * What the new-plan and import pages start from: the projects the signed-in person may create
 * plans in. Someone who may create in none is refused (403).
 */
export function creatableProjectsOrForbidden() {
  return readWithDatabase(async (db) => {
    const projects = await creatableProjects(db, await requireUser());
    if (projects.length === 0) forbidden();
    return { projects };
  });
}
