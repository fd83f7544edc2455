-- The session-signing secret is no longer kept in the database (a backup holder could mint
-- sessions with it): AUTH_SECRET, or a file beside the embedded database, replaces it.
DELETE FROM "app_settings" WHERE "key" = 'auth_secret';
