-- Custom SQL migration file, put your code below! --
-- Week and month totals for the answers recorded before member_period_points existed, in each
-- guild's daily-challenge timezone (UTC when it has none), as the bot now keeps them per answer.
INSERT INTO "member_period_points" ("guild_id", "period", "starts_on", "user_id", "points", "points_reached_at")
SELECT a."guild_id", v."period", v."starts_on", a."user_id", sum(a."points")::int, max(a."answered_at")
FROM (
  SELECT a.*, coalesce(ds."time_zone", 'UTC') AS tz
  FROM "answers" a LEFT JOIN "daily_settings" ds ON ds."guild_id" = a."guild_id"
  WHERE a."guild_id" IS NOT NULL AND a."points" > 0
) a
CROSS JOIN LATERAL (VALUES
  ('week', date_trunc('week', a."answered_at" AT TIME ZONE a.tz)::date),
  ('month', date_trunc('month', a."answered_at" AT TIME ZONE a.tz)::date)
) v("period", "starts_on")
GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
