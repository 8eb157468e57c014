-- Guilds configured before next_due_at existed: due at once, so the first tick after the upgrade reads
-- each of them one time and stores its real next due instant (computed in TypeScript, DST included).
update daily_settings set next_due_at = now() where enabled and paused_reason is null and next_due_at is null;
