import { z } from "zod";
import { PROJECT_ROLES, TOKEN_SCOPES } from "@/lib/auth/permissions";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address" }));
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(256, { error: "Use at most 256 characters" });
export const nameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter a name" })
  .max(120, { error: "Use at most 120 characters" });

export const createUserSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  isAdmin: z.coerce.boolean().default(false),
});

export const setPasswordSchema = z.object({ userId: z.uuid(), password: passwordSchema });
export const endSessionsSchema = z.object({ userId: z.uuid({ error: "Name the person (their id)" }) });
export const setUserFlagsSchema = z.object({
  userId: z.uuid(),
  isAdmin: z.boolean().optional(),
  disabled: z.boolean().optional(),
});

export const createProjectSchema = z.object({
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
      error: "Use lowercase letters, digits and dashes (up to 63), starting with a letter or digit",
    }),
  name: nameSchema,
  description: z.string().trim().max(500).default(""),
});

export const roleSchema = z.enum(PROJECT_ROLES, { error: `Choose one of: ${PROJECT_ROLES.join(", ")}` });

export const membershipSchema = z.object({ projectId: z.uuid(), email: emailSchema, role: roleSchema });
export const removeMembershipSchema = z.object({ projectId: z.uuid(), userId: z.uuid(), role: roleSchema });

export const createTokenSchema = z.object({
  projectId: z.uuid(),
  name: nameSchema,
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, { error: "Choose at least one scope" }),
  expiresInDays: z.coerce.number().int().min(1).max(3650).optional(),
});

export const revokeTokenSchema = z.object({ tokenId: z.uuid() });

export const setupSchema = z.object({
  setupToken: z.string().trim().min(1, { error: "Paste the setup token printed by the server" }),
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
});

export const changeOwnPasswordSchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, { error: "Enter your current password" })
      .max(256, { error: "Use at most 256 characters" }),
    password: passwordSchema,
    confirm: z.string().max(256),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], error: "The two new passwords differ" })
  .refine((v) => v.password !== v.currentPassword, {
    path: ["password"],
    error: "Choose a password different from the current one",
  });
