// Tests never read a developer's .env: every test states the configuration it needs.
process.env.LOG_LEVEL ??= 'silent';
